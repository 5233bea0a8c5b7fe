#!/usr/bin/env bash
# Two builds of the service against the same data in one run, under wrk
# (16 connections), the two builds taking turns so that the machine's noise
# falls on both: the live dashboard, the dashboard as at a past date, the
# list of a strategy's actions with their latest updates, one action with
# its update and milestones, the board report as HTML and as Markdown, and
# the chair posting challenges to one action (a write under the action's
# lock, with its audit event).
#
#   bash bench/compare.sh OLD_BINARY NEW_BINARY
#   (STRATEGIES=100 ACTIONS=100 UPDATES=20 ROUNDS=2 DURATION=8 to change)
#
# Build each with `cargo build --release` in its own checkout and target
# directory (two checkouts sharing one target directory overwrite each
# other's builds). Needs PostgreSQL on 127.0.0.1:5432, curl and wrk.
set -euo pipefail
cd "$(dirname "$0")/.."

OLD=${1:?usage: bench/compare.sh OLD_BINARY NEW_BINARY}
NEW=${2:?usage: bench/compare.sh OLD_BINARY NEW_BINARY}
STRATEGIES=${STRATEGIES:-100}
ACTIONS=${ACTIONS:-100}
UPDATES=${UPDATES:-20}
ROUNDS=${ROUNDS:-2}
DURATION=${DURATION:-8}
PORT=${PORT:-18183}
DB=dt_bench_compare
PGURL=postgres://postgres@127.0.0.1:5432
PASSWORD=bench-password-$RANDOM$RANDOM

echo "== seeding $STRATEGIES strategies of $ACTIONS actions x $UPDATES updates into $DB"
psql "$PGURL/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
DATABASE_URL=$PGURL/$DB DEMO_PASSWORD=$PASSWORD "$NEW" seed --synthetic --strategies "$STRATEGIES" \
    --actions-per-strategy "$ACTIONS" --updates-per-action "$UPDATES" | sed -n 1p  # sed reads to the end: no broken pipe
trap 'psql "$PGURL/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)"' EXIT
STRATEGY=$(psql "$PGURL/$DB" -Atc "SELECT id FROM strategies ORDER BY title LIMIT 1 OFFSET $((STRATEGIES / 2))")
ACTION=$(psql "$PGURL/$DB" -Atc "SELECT id FROM actions WHERE strategy_id = '$STRATEGY' ORDER BY reference LIMIT 1")
LUA=$(mktemp --suffix=.lua)
echo 'wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")' >"$LUA"
POST=$(mktemp --suffix=.lua)
cat >"$POST" <<'LUA'
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"progress": "Asked the lead for the revised plan before the board meets."}'
LUA

READS=("strategies/$STRATEGY/dashboard" "strategies/$STRATEGY/dashboard?as_at=2024-06-30"
    "actions?strategy_id=$STRATEGY&include=latest_update&limit=100"
    "actions/$ACTION?include=latest_update,milestones"
    "strategies/$STRATEGY/report?format=html" "strategies/$STRATEGY/report?format=md")
WRITES=("POST actions/$ACTION/updates")

run() {
    local bin=$1 label=$2 pid path
    shift 2
    DATABASE_URL=$PGURL/$DB JWT_SECRET=$(head -c 48 /dev/urandom | base64) \
        BIND_ADDR=127.0.0.1:$PORT RUST_LOG=warn "$bin" serve >/dev/null 2>&1 &
    pid=$!
    for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done
    TOKEN=$(curl -sf "http://127.0.0.1:$PORT/api/v1/auth/login" -H 'content-type: application/json' \
        -d "{\"email\":\"chair@synthetic.example\",\"password\":\"$PASSWORD\"}" |
        python3 -c 'import sys, json; print(json.load(sys.stdin)["access_token"])')
    export TOKEN
    for path in "$@"; do
        local script=$LUA
        if [[ $path == POST* ]]; then
            script=$POST
            path=${path#POST }
        fi
        wrk -t2 -c16 -d"${DURATION}s" --latency -s "$script" "http://127.0.0.1:$PORT/api/v1/$path" >"$LUA.out"
        if grep -q "Non-2xx" "$LUA.out"; then
            echo "$label $path: $(grep Non-2xx "$LUA.out")" >&2
        fi
        printf '%-4s %-52s %8s req/s  p50 %9s  p99 %9s\n' "$label" \
            "$(sed "s/$STRATEGY/{id}/; s/$ACTION/{action}/" <<<"$([[ $script == "$POST" ]] && echo "POST ")$path")" \
            "$(awk '/Requests\/sec/ {print $2}' "$LUA.out")" \
            "$(awk '$1 == "50%" {print $2}' "$LUA.out")" \
            "$(awk '$1 == "99%" {print $2}' "$LUA.out")"
    done
    kill "$pid"
    wait "$pid" 2>/dev/null || true
}

# Each round swaps which build goes first. The writes come after every
# read, since each adds thousands of updates to the action they post to.
for requests in READS WRITES; do
    for round in $(seq 1 "$ROUNDS"); do
        echo "-- $requests, round $round"
        declare -n list=$requests
        if ((round % 2)); then
            run "$OLD" old "${list[@]}"
            run "$NEW" new "${list[@]}"
        else
            run "$NEW" new "${list[@]}"
            run "$OLD" old "${list[@]}"
        fi
    done
done
