#!/usr/bin/env bash
# The instructions the service executes per request, two builds side by
# side, counted by valgrind's callgrind. Unlike requests a second, the count
# is the same from run to run whatever else the machine is doing, so a
# change of a percent shows; it counts the service's own work, not the
# database's (compare the SQL with bench/run's replay).
#
#   bash bench/instructions.sh OLD_BINARY NEW_BINARY
#   (REQUESTS=20 to change how many of each request are counted)
#
# Each build serves a small synthetic data set (2 strategies of 100 actions
# with 20 updates each) under callgrind, once signing in only and once
# signing in and making REQUESTS requests of one kind; the difference,
# divided by REQUESTS, is the cost of one request. Needs PostgreSQL on
# 127.0.0.1:5432, valgrind, curl and python3. About 10 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

OLD=${1:?usage: bench/instructions.sh OLD_BINARY NEW_BINARY}
NEW=${2:?usage: bench/instructions.sh OLD_BINARY NEW_BINARY}
REQUESTS=${REQUESTS:-20}
PORT=${PORT:-18192}
DB=dt_bench_instructions
PGURL=postgres://postgres@127.0.0.1:5432
PASSWORD=bench-password-$RANDOM$RANDOM
SECRET=$(head -c 48 /dev/urandom | base64)

psql "$PGURL/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
DATABASE_URL=$PGURL/$DB DEMO_PASSWORD=$PASSWORD "$NEW" seed --synthetic --strategies 2 \
    --actions-per-strategy 100 --updates-per-action 20 | sed -n 1p
trap 'psql "$PGURL/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)"' EXIT
STRATEGY=$(psql "$PGURL/$DB" -Atc "SELECT id FROM strategies ORDER BY title LIMIT 1")
ACTION=$(psql "$PGURL/$DB" -Atc "SELECT id FROM actions WHERE strategy_id = '$STRATEGY' ORDER BY reference LIMIT 1")

# Instructions for signing in and then making COUNT requests to PATH
# ("POST path" posts a challenge to an action).
count() {
    local bin=$1 count=$2 path=$3 out pid token
    out=$(mktemp)
    DATABASE_URL=$PGURL/$DB JWT_SECRET=$SECRET BIND_ADDR=127.0.0.1:$PORT WORKERS=1 RUST_LOG=warn \
        valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" serve >/dev/null 2>&1 &
    pid=$!
    for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.5; done
    token=$(curl -sf "http://127.0.0.1:$PORT/api/v1/auth/login" -H 'content-type: application/json' \
        -d "{\"email\":\"chair@synthetic.example\",\"password\":\"$PASSWORD\"}" |
        python3 -c 'import sys, json; print(json.load(sys.stdin)["access_token"])')
    local method=()
    if [[ $path == POST* ]]; then
        path=${path#POST }
        method=(-X POST -H 'content-type: application/json'
            -d '{"progress": "Asked the lead for the revised plan before the board meets."}')
    fi
    for _ in $(seq 1 "$count"); do
        curl -sf -o /dev/null "${method[@]}" -H "authorization: Bearer $token" \
            "http://127.0.0.1:$PORT/api/v1/$path"
    done
    kill -INT "$pid"
    wait "$pid" 2>/dev/null || true
    awk '/^(summary|totals):/ {print $2; exit}' "$out"
    rm -f "$out"
}

printf '%-60s %14s %14s %8s\n' "request" "old instr/req" "new instr/req" "new/old"
declare -A base
for label in old new; do
    bin=$OLD
    [[ $label == new ]] && bin=$NEW
    base[$label]=$(count "$bin" 0 "strategies/$STRATEGY/dashboard")
done
for path in "strategies/$STRATEGY/dashboard" "strategies/$STRATEGY/dashboard?as_at=2024-06-30" \
    "actions?strategy_id=$STRATEGY&include=latest_update&limit=100" \
    "actions/$ACTION?include=latest_update,milestones" \
    "strategies/$STRATEGY/report?format=html" "strategies/$STRATEGY/report?format=md" \
    "POST actions/$ACTION/updates"; do
    old=$(( ($(count "$OLD" "$REQUESTS" "$path") - ${base[old]}) / REQUESTS ))
    new=$(( ($(count "$NEW" "$REQUESTS" "$path") - ${base[new]}) / REQUESTS ))
    printf '%-60s %14d %14d %8s\n' "$(sed "s/$STRATEGY/{id}/; s/$ACTION/{action}/" <<<"$path")" \
        "$old" "$new" "$(python3 -c "print(f'{$new / $old:.3f}')")"
done
