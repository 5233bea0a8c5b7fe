#!/usr/bin/env bash
# What the indicators cost the dashboard: the same dashboard, in the same
# run, with its strategy's six indicators (twelve quarters of values each)
# and without them, alternating, so the machine's noise falls on both.
#
#   bash bench/indicators.sh            (REQUESTS=300 ROUNDS=3 ACTIONS=100 UPDATES=20 to change)
#
# Needs PostgreSQL on 127.0.0.1:5432 (as for the tests) and curl.
set -euo pipefail
cd "$(dirname "$0")/.."

REQUESTS=${REQUESTS:-300}
ROUNDS=${ROUNDS:-3}
ACTIONS=${ACTIONS:-100}
UPDATES=${UPDATES:-20}
PORT=${PORT:-18182}
DB=dt_bench_indicators
PGURL=postgres://postgres@127.0.0.1:5432
PASSWORD=bench-password-$RANDOM$RANDOM

echo "== building (release)"
cargo build --release --quiet
BIN=target/release/delivery-tracker

echo "== seeding 2 strategies of $ACTIONS actions x $UPDATES updates into $DB"
psql "$PGURL/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
DATABASE_URL=$PGURL/$DB DEMO_PASSWORD=$PASSWORD $BIN seed --synthetic --strategies 2 \
    --actions-per-strategy "$ACTIONS" --updates-per-action "$UPDATES" >target/indicators-seed.txt
head -n 1 target/indicators-seed.txt

DATABASE_URL=$PGURL/$DB JWT_SECRET=$(head -c 48 /dev/urandom | base64) BIND_ADDR=127.0.0.1:$PORT \
    RUST_LOG=warn $BIN serve &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; psql "$PGURL/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)"' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done

TOKEN=$(curl -sf "http://127.0.0.1:$PORT/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"email\":\"chair@synthetic.example\",\"password\":\"$PASSWORD\"}" |
    python3 -c 'import sys, json; print(json.load(sys.stdin)["access_token"])')
sql() { psql "$PGURL/$DB" -Atqc "$1"; }
STRATEGY=$(sql "SELECT id FROM strategies ORDER BY title LIMIT 1")
OTHER=$(sql "SELECT id FROM strategies ORDER BY title DESC LIMIT 1")
PERIOD=$(sql "SELECT id FROM reporting_periods WHERE strategy_id = '$STRATEGY' AND closed_at IS NOT NULL ORDER BY starts_on DESC LIMIT 1")
OTHER_PERIOD=$(sql "SELECT id FROM reporting_periods WHERE strategy_id = '$OTHER' AND closed_at IS NOT NULL ORDER BY starts_on DESC LIMIT 1")
INDICATORS=$(sql "SELECT count(*) FROM indicators WHERE strategy_id = '$STRATEGY'")
VALUES=$(sql "SELECT count(*) FROM indicator_values v JOIN indicators i ON i.id = v.indicator_id WHERE i.strategy_id = '$STRATEGY'")
echo "== the measured strategy has $INDICATORS indicators with $VALUES values"

# Moves the measured strategy's indicators (and their closed-period
# snapshots) to the other strategy, or back: "without" and "with".
without() {
    sql "UPDATE period_indicator_snapshots SET period_id = '$OTHER_PERIOD' WHERE period_id = '$PERIOD' AND indicator_id IN (SELECT id FROM indicators WHERE strategy_id = '$STRATEGY');
         UPDATE indicators SET strategy_id = '$OTHER', title = 'moved ' || title WHERE strategy_id = '$STRATEGY'"
}
with() {
    sql "UPDATE indicators SET strategy_id = '$STRATEGY', title = substr(title, 7) WHERE title LIKE 'moved %';
         UPDATE period_indicator_snapshots SET period_id = '$PERIOD' WHERE period_id = '$OTHER_PERIOD' AND indicator_id IN (SELECT id FROM indicators WHERE strategy_id = '$STRATEGY')"
}

# Prints p50 and p99 of the times (seconds) on stdin, in ms.
summary() {
    sort -n | awk '{ t[NR] = $1 * 1000 } END {
        printf "p50=%5.1f ms  p99=%5.1f ms\n", t[int(NR * 0.50 + 0.5)], t[int(NR * 0.99 + 0.5)] }'
}

measure() {
    local label=$1 query=$2 shown
    shown=$(curl -sf -H "authorization: Bearer $TOKEN" \
        "http://127.0.0.1:$PORT/api/v1/strategies/$STRATEGY/dashboard$query" |
        python3 -c 'import sys, json; print(sum(len(g["indicators"]) for g in json.load(sys.stdin)["indicators"]))')
    for _ in $(seq 1 5); do
        curl -sf -o /dev/null -H "authorization: Bearer $TOKEN" \
            "http://127.0.0.1:$PORT/api/v1/strategies/$STRATEGY/dashboard$query"
    done
    printf '%-10s %-32s %d shown  ' "$3" "$label" "$shown"
    for _ in $(seq 1 "$REQUESTS"); do
        curl -sf -o /dev/null -w '%{time_total}\n' -H "authorization: Bearer $TOKEN" \
            "http://127.0.0.1:$PORT/api/v1/strategies/$STRATEGY/dashboard$query"
    done | summary
}

echo "== dashboard over HTTP, one request at a time ($REQUESTS each, $ROUNDS rounds)"
for round in $(seq 1 "$ROUNDS"); do
    echo "-- round $round"
    for variant in with without; do
        $variant
        measure "now (live)" "" "$variant"
        measure "as at 2024-06-30 (history)" "?as_at=2024-06-30" "$variant"
        measure "closed period (snapshot)" "?period_id=$PERIOD" "$variant"
    done
    with
done
