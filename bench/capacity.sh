#!/usr/bin/env bash
# Capacity of one instance for a board's working mix (docs/scaling.md):
#
#   bash bench/capacity.sh              16 connections for 20 s on the demo data
#   CONNECTIONS=32 DURATION=30 bash bench/capacity.sh
#
# Seeds the demo strategy (2022-25) into a database of its own, starts the
# release build, and drives it with wrk running bench/wrk/mix.lua: each
# connection is a member on an action its organisation leads, opening their
# work, the action and its updates, the list and the dashboard, and posting
# a rated update one request in fourteen. Prints the throughput and latency,
# then how many boards of the demo's size that serves when every board
# reports in the same fortnight of each quarter (UPDATES_PER_ACTION updates per
# action per quarter, each with the thirteen reads the mix has per write).
# Needs PostgreSQL on 127.0.0.1:5432 as postgres, jq and wrk (installed with
# apt-get when missing).
set -euo pipefail
cd "$(dirname "$0")/.."

CONNECTIONS=${CONNECTIONS:-16}
DURATION=${DURATION:-20}
UPDATES_PER_ACTION=${UPDATES_PER_ACTION:-3}
PORT=${PORT:-18686}
PG=postgres://postgres@127.0.0.1:5432
DB=dt_bench_capacity
PASSWORD=bench-password-$RANDOM$RANDOM
OUT=target/bench
mkdir -p "$OUT"

if ! command -v wrk >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
echo "== building (release)"
cargo build --release --quiet --bin delivery-tracker
BIN=target/release/delivery-tracker

SERVICE=""
cleanup() {
    if [[ -n "$SERVICE" ]] && kill -0 "$SERVICE" 2>/dev/null; then
        kill -TERM "$SERVICE"
        wait "$SERVICE" || true
    fi
    psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" 2>/dev/null || true
}
trap cleanup EXIT

sql() { psql "$PG/$DB" -qAtX -c "$1"; }

psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
DATABASE_URL=$PG/$DB DEMO_PASSWORD=$PASSWORD $BIN seed --demo >/dev/null
psql "$PG/$DB" -qc "VACUUM ANALYZE"
DATABASE_URL=$PG/$DB JWT_SECRET=$(head -c 48 /dev/urandom | base64) BIND_ADDR=127.0.0.1:$PORT \
    COOKIE_SECURE=false LOGIN_ADDRESS_MAX_FAILURES=1000 RUST_LOG=error $BIN serve 2>"$OUT/capacity-service.log" &
SERVICE=$!
for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break
    sleep 0.1
done

STRATEGY=$(sql "SELECT id FROM strategies ORDER BY created_at LIMIT 1")
ACTIONS=$(sql "SELECT count(*) FROM actions WHERE strategy_id = '$STRATEGY'")
# One action per connection, each with a member of its lead organisation.
: >"$OUT/capacity-actions.txt"
declare -A tokens=()
while read -r id version email; do
    if [[ -z "${tokens[$email]:-}" ]]; then
        tokens[$email]=$(curl -sf "http://127.0.0.1:$PORT/api/v1/auth/login" -H 'content-type: application/json' \
            -d "{\"email\":\"$email\",\"password\":\"$PASSWORD\"}" | jq -r .access_token)
    fi
    echo "$id $version ${tokens[$email]}" >>"$OUT/capacity-actions.txt"
done < <(sql "SELECT DISTINCT ON (a.id) a.id, a.version, u.email FROM actions a
              JOIN users u ON u.organisation_id = a.lead_organisation_id AND u.role = 'member'
              WHERE a.strategy_id = '$STRATEGY' AND a.archived_at IS NULL
              ORDER BY a.id, u.email LIMIT $CONNECTIONS" | tr '|' ' ')
(($(wc -l <"$OUT/capacity-actions.txt") == CONNECTIONS)) || {
    echo "the demo has fewer than $CONNECTIONS open actions with a member to report them" >&2
    exit 1
}

echo "== the mix: $CONNECTIONS connections (one thread each) for ${DURATION}s"
env ACTIONS_FILE="$OUT/capacity-actions.txt" STRATEGY="$STRATEGY" \
    wrk -t"$CONNECTIONS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/wrk/mix.lua \
    "http://127.0.0.1:$PORT" >"$OUT/capacity.wrk"
python3 - "$OUT/capacity.wrk" "$ACTIONS" "$UPDATES_PER_ACTION" "$(awk '/VmHWM/ {print $2}' "/proc/$SERVICE/status")" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
actions, per_action, peak_kb = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
def ms(v):
    n, unit = re.match(r"([\d.]+)(\w+)", v).groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
p50 = ms(re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1))
p99 = ms(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1))
bad = int(re.search(r"unexpected responses: (\d+)", text).group(1))
posts = int(re.search(r"updates posted: (\d+)", text).group(1))
print(f"mix: {rps:.0f} requests/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms; {posts} updates posted; {bad} unexpected responses")
print(f"peak memory of the service: {peak_kb / 1024:.0f} MB")
# A board of the demo's size in its reporting fortnight: every action
# reported UPDATES_PER_ACTION times, each update with the mix's 13 reads,
# all within ten working days of eight hours.
per_board = actions * per_action * 14
fortnight = 10 * 8 * 3600
boards = rps * fortnight / per_board
print(f"a board of {actions} actions makes {per_board} requests in its reporting fortnight;")
print(f"one instance at this rate serves {boards:,.0f} such boards reporting in the same fortnight")
PY
