#!/usr/bin/env bash
# The long reliability scenarios (docs/reliability.md), each against a
# release build with the demo data in a database of its own:
#
#   bash bench/reliability.sh writers    64 clients write the same actions for 30 s
#   bash bench/reliability.sh outage     PostgreSQL stopped under load, then started
#   bash bench/reliability.sh shutdown   SIGTERM under write load
#   bash bench/reliability.sh enumeration  sign-in timing: known vs unknown emails
#   bash bench/reliability.sh delivery   webhooks and mail from two instances, with
#                                        SIGKILLs, a receiver outage and SMTP refusals
#   bash bench/reliability.sh            all five
#
# CLIENTS and LOAD_SECONDS change the writers' load. `outage` stops and starts the
# machine's PostgreSQL cluster (pg_ctlcluster): run it where nothing else
# needs the database meanwhile.
set -euo pipefail
cd "$(dirname "$0")/.."

CLIENTS=${CLIENTS:-64}
LOAD_SECONDS=${LOAD_SECONDS:-30}
PORT=${PORT:-18282}
PGURL=postgres://postgres@127.0.0.1:5432
PASSWORD=bench-password-$RANDOM$RANDOM
VERSION=$(ls /etc/postgresql | sort -V | tail -n 1)

echo "== building (release)"
cargo build --release --quiet --bin delivery-tracker --example reliability --example delivery
BIN=target/release/delivery-tracker
LOAD=target/release/examples/reliability

# The Python the tests use for their real SMTP server and webhook receiver
# (tests/tools/requirements.txt; tests/api/tools.rs makes the same venv).
test_python() {
    local venv
    venv=.tools/test-python-$(sha256sum tests/tools/requirements.txt | cut -c1-12)
    if [[ ! -x $venv/bin/python ]]; then
        python3 -m venv "$venv.building"
        "$venv.building/bin/python" -m pip install --quiet --disable-pip-version-check -r tests/tools/requirements.txt
        mv "$venv.building" "$venv"
    fi
    echo "$venv/bin/python"
}

SERVICE=""
stop_service() {
    if [[ -n "$SERVICE" ]] && kill -0 "$SERVICE" 2>/dev/null; then
        kill -TERM "$SERVICE" && wait "$SERVICE" || true
    fi
    SERVICE=""
}
trap stop_service EXIT

start_service() { # DB
    psql "$PGURL/postgres" -qc "DROP DATABASE IF EXISTS $1 WITH (FORCE)"
    DATABASE_URL=$PGURL/$1 DEMO_PASSWORD=$PASSWORD $BIN seed --demo >/dev/null
    DATABASE_URL=$PGURL/$1 JWT_SECRET=$(head -c 48 /dev/urandom | base64) \
        BIND_ADDR=127.0.0.1:$PORT DATABASE_TIMEOUT_MS=1000 LOGIN_ADDRESS_MAX_FAILURES=1000 RUST_LOG=warn,tracing_actix_web=off $BIN serve 2>"target/reliability-$1.log" &
    SERVICE=$!
    for _ in $(seq 1 100); do
        curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && return 0
        sleep 0.1
    done
    echo "the service did not become ready" >&2
    return 1
}

run() { # SCENARIO [extra options]
    local scenario=$1
    shift
    local db=dt_bench_$scenario
    echo
    echo "== $scenario"
    start_service "$db"
    local status=0
    $LOAD "$scenario" --url "http://127.0.0.1:$PORT" --database-url "$PGURL/$db" \
        --password "$PASSWORD" "$@" || status=$?
    stop_service
    psql "$PGURL/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
    return $status
}

failed=0
scenarios=${1:-all}
if [[ $scenarios == all || $scenarios == writers ]]; then
    run writers --clients "$CLIENTS" --seconds "$LOAD_SECONDS" || failed=1
fi
if [[ $scenarios == all || $scenarios == outage ]]; then
    run outage --clients 8 --seconds 20 \
        --stop-command "pg_ctlcluster --skip-systemctl-redirect $VERSION main stop -m fast" \
        --start-command "pg_ctlcluster --skip-systemctl-redirect $VERSION main start" || failed=1
fi
if [[ $scenarios == all || $scenarios == enumeration ]]; then
    run enumeration || failed=1
fi
if [[ $scenarios == all || $scenarios == shutdown ]]; then
    # The load tool sends the signal itself, to the pid it is given.
    start_pid_run() {
        local db=dt_bench_shutdown
        echo
        echo "== shutdown"
        start_service "$db"
        local status=0
        $LOAD shutdown --url "http://127.0.0.1:$PORT" --database-url "$PGURL/$db" \
            --password "$PASSWORD" --clients "$CLIENTS" --seconds 10 --pid "$SERVICE" || status=$?
        wait "$SERVICE" 2>/dev/null || true
        SERVICE=""
        psql "$PGURL/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
        return $status
    }
    start_pid_run || failed=1
fi
if [[ $scenarios == all || $scenarios == delivery ]]; then
    # The scenario starts (and kills) its own two instances.
    echo
    echo "== delivery"
    db=dt_bench_delivery
    psql "$PGURL/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)"
    DATABASE_URL=$PGURL/$db DEMO_PASSWORD=$PASSWORD $BIN seed --demo >/dev/null
    target/release/examples/delivery --bin "$BIN" --python "$(test_python)" \
        --database-url "$PGURL/$db" --password "$PASSWORD" \
        --clients "${DELIVERY_CLIENTS:-4}" --seconds "$LOAD_SECONDS" || failed=1
    psql "$PGURL/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
fi
exit $failed
