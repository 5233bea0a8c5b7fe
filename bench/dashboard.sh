#!/usr/bin/env bash
# Dashboard latency at 10,000 actions and 200,000 updates: the JSON
# dashboard and the chair's dashboard page (a browser session, the same
# moments), their requests interleaved so both meet the same machine; with
# the cost of the dashboard's main SQL query measured by pgbench on the same
# PostgreSQL in the same run for comparison.
#
#   bash bench/dashboard.sh            (REQUESTS=200 ACTIONS=10000 UPDATES=20 to change)
#
# Needs PostgreSQL on 127.0.0.1:5432 (as for the tests), curl and pgbench.
set -euo pipefail
cd "$(dirname "$0")/.."

REQUESTS=${REQUESTS:-200}
ACTIONS=${ACTIONS:-10000}
UPDATES=${UPDATES:-20}
PORT=${PORT:-18181}
DB=dt_bench_dashboard
PGURL=postgres://postgres@127.0.0.1:5432
PASSWORD=bench-password-$RANDOM$RANDOM

echo "== building (release)"
cargo build --release --quiet
BIN=target/release/delivery-tracker

echo "== seeding $ACTIONS actions x $UPDATES updates into $DB"
psql "$PGURL/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
DATABASE_URL=$PGURL/$DB DEMO_PASSWORD=$PASSWORD $BIN seed --synthetic \
    --actions-per-strategy "$ACTIONS" --updates-per-action "$UPDATES" >target/dashboard-seed.txt
head -n 1 target/dashboard-seed.txt

DATABASE_URL=$PGURL/$DB JWT_SECRET=$(head -c 48 /dev/urandom | base64) BIND_ADDR=127.0.0.1:$PORT \
    RUST_LOG=warn $BIN serve &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; psql "$PGURL/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)"' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done

TOKEN=$(curl -sf "http://127.0.0.1:$PORT/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"email\":\"chair@synthetic.example\",\"password\":\"$PASSWORD\"}" |
    python3 -c 'import sys, json; print(json.load(sys.stdin)["access_token"])')
STRATEGY=$(psql "$PGURL/$DB" -Atc "SELECT id FROM strategies LIMIT 1")
PERIOD=$(psql "$PGURL/$DB" -Atc "SELECT id FROM reporting_periods WHERE closed_at IS NOT NULL ORDER BY starts_on DESC LIMIT 1")

# Prints count, p50, p95, p99 and max of the times (seconds) on stdin, in ms.
summary() {
    sort -n | awk '{ t[NR] = $1 * 1000 } END {
        printf "n=%d  p50=%.1f ms  p95=%.1f ms  p99=%.1f ms  max=%.1f ms\n",
            NR, t[int(NR * 0.50 + 0.5)], t[int(NR * 0.95 + 0.5)], t[int(NR * 0.99 + 0.5)], t[NR] }'
}

measure() {
    local label=$1 query=$2
    for _ in $(seq 1 5); do
        curl -sf -o /dev/null -H "authorization: Bearer $TOKEN" \
            "http://127.0.0.1:$PORT/api/v1/strategies/$STRATEGY/dashboard$query"
    done
    printf '%-34s' "$label"
    for _ in $(seq 1 "$REQUESTS"); do
        curl -sf -o /dev/null -w '%{time_total}\n' -H "authorization: Bearer $TOKEN" \
            "http://127.0.0.1:$PORT/api/v1/strategies/$STRATEGY/dashboard$query"
    done | summary
}

echo "== dashboard over HTTP, one request at a time ($REQUESTS each)"
measure "now (live)" ""
measure "as at 2024-06-30 (from history)" "?as_at=2024-06-30"
measure "closed period (from snapshot)" "?period_id=$PERIOD"

# The chair's session, signed in through the sign-in form as a browser is.
JAR=$(mktemp)
CSRF=$(curl -sf -c "$JAR" "http://127.0.0.1:$PORT/sign-in" |
    sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -n 1)
curl -sf -o /dev/null -b "$JAR" -c "$JAR" -H "origin: http://127.0.0.1:$PORT" \
    --data-urlencode "email=chair@synthetic.example" --data-urlencode "password=$PASSWORD" \
    --data-urlencode "csrf_token=$CSRF" "http://127.0.0.1:$PORT/sign-in"
COOKIE=$(awk '$6 == "dpt_session" {print "dpt_session=" $7}' "$JAR")
rm -f "$JAR"
[[ -n "$COOKIE" ]] || { echo "could not sign in through the page" >&2; exit 1; }

# page_and_json LABEL QUERY: the page and the JSON, one request of each in
# turn; prints both summaries and the ratio of the medians.
page_and_json() {
    local label=$1 query=$2 api=$3 page=$4 json pages
    json=$(mktemp)
    pages=$(mktemp)
    for _ in $(seq 1 5); do
        curl -sf -o /dev/null -H "authorization: Bearer $TOKEN" "$api$query"
        curl -sf -o /dev/null -H "cookie: $COOKIE" "$page$query"
    done
    for _ in $(seq 1 "$REQUESTS"); do
        curl -sf -o /dev/null -w '%{time_total}\n' -H "authorization: Bearer $TOKEN" "$api$query" >>"$json"
        curl -sf -o /dev/null -w '%{time_total}\n' -H "cookie: $COOKIE" "$page$query" >>"$pages"
    done
    printf '%-34s JSON  ' "$label"; summary <"$json"
    printf '%-34s page  ' ""; summary <"$pages"
    python3 - "$json" "$pages" <<'PY'
import statistics, sys
json, page = (statistics.median(float(l) for l in open(f)) for f in sys.argv[1:3])
print(f"{'':34s} page/JSON median: {page / json:.2f} (target: at most 1.3)")
PY
    rm -f "$json" "$pages"
}

echo "== the dashboard page against the JSON dashboard, interleaved ($REQUESTS each)"
API="http://127.0.0.1:$PORT/api/v1/strategies/$STRATEGY/dashboard"
PAGE="http://127.0.0.1:$PORT/strategies/$STRATEGY/dashboard"
page_and_json "now (live)" "" "$API" "$PAGE"
page_and_json "as at 2024-06-30 (from history)" "?as_at=2024-06-30" "$API" "$PAGE"
page_and_json "closed period (from snapshot)" "?period_id=$PERIOD" "$API" "$PAGE"

echo "== the dashboard's main query alone (pgbench, one client, $REQUESTS runs)"
cat > /tmp/dashboard-states.sql <<SQL
SET jit = off;
WITH links AS (
    SELECT x.action_id, array_agg(x.statement_id) AS statement_ids
      FROM action_statements x JOIN actions a ON a.id = x.action_id
     WHERE a.strategy_id = '$STRATEGY' GROUP BY x.action_id)
SELECT a.id, a.reference, a.title, a.description, a.lead_organisation_id, o.name,
       coalesce(l.statement_ids, '{}'), a.target_date, a.rag, a.rag_since, a.created_at, a.last_reported_at
  FROM actions a JOIN organisations o ON o.id = a.lead_organisation_id
  LEFT JOIN links l ON l.action_id = a.id
 WHERE a.strategy_id = '$STRATEGY';
SQL
pgbench -n -c 1 -t "$REQUESTS" -f /tmp/dashboard-states.sql "$PGURL/$DB" 2>/dev/null | grep -E "latency average"
