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
#   bash bench/reliability.sh instances  the writers spread over two instances and
#                                        sign-in failures spread over both, directly on
#                                        PostgreSQL and through PgBouncer (session
#                                        pooling); then shows why transaction pooling
#                                        fails (bench/pgbouncer.sh installs PgBouncer);
#                                        PGBOUNCER_TRANSACTION_BIN=path/to/pgbouncer (1.21
#                                        or later) adds the check in transaction pooling
#   bash bench/reliability.sh            all six
#
# CLIENTS and LOAD_SECONDS change the writers' load. `outage` stops and starts the
# machine's PostgreSQL cluster (pg_ctlcluster): run it where nothing else
# needs the database meanwhile.
set -euo pipefail
cd "$(dirname "$0")/.."

CLIENTS=${CLIENTS:-64}
LOAD_SECONDS=${LOAD_SECONDS:-30}
PORT=${PORT:-18282}
POOL_SIZE=${POOL_SIZE:-16}
PGURL=postgres://postgres@127.0.0.1:5432
PASSWORD=bench-password-$RANDOM$RANDOM
VERSION=$(ls /etc/postgresql | sort -V | tail -n 1)
# Every instance of a run signs with the same key, as behind a load balancer.
JWT_SECRET=$(head -c 48 /dev/urandom | base64)
# shellcheck source=bench/pgbouncer.sh
source bench/pgbouncer.sh

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

# The instances running (SERVICE: the last one started).
SERVICES=()
SERVICE=""
stop_service() {
    local pid
    for pid in "${SERVICES[@]}"; do
        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid" && wait "$pid" || true
        fi
    done
    SERVICES=()
    SERVICE=""
}
trap 'stop_service; pgbouncer_stop' EXIT

seed() { # DB
    psql "$PGURL/postgres" -qc "DROP DATABASE IF EXISTS $1 WITH (FORCE)"
    DATABASE_URL=$PGURL/$1 DEMO_PASSWORD=$PASSWORD $BIN seed --demo >/dev/null
}

serve() { # DATABASE_URL PORT LOG
    DATABASE_URL=$1 JWT_SECRET=$JWT_SECRET DATABASE_POOL_SIZE=$POOL_SIZE \
        BIND_ADDR=127.0.0.1:$2 DATABASE_TIMEOUT_MS=1000 LOGIN_ADDRESS_MAX_FAILURES=1000 RUST_LOG=warn,tracing_actix_web=off $BIN serve 2>"$3" &
    SERVICE=$!
    SERVICES+=("$SERVICE")
    for _ in $(seq 1 100); do
        curl -sf "http://127.0.0.1:$2/readyz" >/dev/null && return 0
        sleep 0.1
    done
    echo "the service did not become ready; its log:" >&2
    cat "$3" >&2
    return 1
}

start_service() { # DB
    seed "$1"
    serve "$PGURL/$1" "$PORT" "target/reliability-$1.log"
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

# Two instances on one database reached through SERVER (a URL without the
# database's name): PostgreSQL itself, or PgBouncer in front of it. The
# checks read PostgreSQL directly.
two_instances() { # TITLE SERVER LOG-NAME
    local db=dt_bench_instances status=0
    echo
    echo "== instances: $1"
    seed "$db"
    serve "$2/$db" "$PORT" "target/reliability-instances-$3-a.log"
    serve "$2/$db" "$((PORT + 1))" "target/reliability-instances-$3-b.log"
    $LOAD instances --url "http://127.0.0.1:$PORT" --url "http://127.0.0.1:$((PORT + 1))" \
        --database-url "$PGURL/$db" --password "$PASSWORD" \
        --clients "$CLIENTS" --seconds "$LOAD_SECONDS" || status=$?
    stop_service
    psql "$PGURL/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
    return $status
}

# In transaction pooling PgBouncer 1.18 gives each transaction whichever
# server connection is free, but the service prepares named statements on a
# connection and runs them later (docs/operations.md, "PgBouncer"). Shown
# here, not counted as a failure of the scenario.
transaction_pooling() {
    local db=dt_bench_instances log=target/reliability-instances-transaction.log url=http://127.0.0.1:$PORT token
    echo
    echo "== instances: one instance through PgBouncer, transaction pooling (fails before PgBouncer 1.21)"
    pgbouncer_start transaction "$((2 * POOL_SIZE))"
    seed "$db"
    if serve "$PGBOUNCER_URL/$db" "$PORT" "$log"; then
        sign_in() { curl -s -o /dev/null -w '%{http_code}\n' -H 'content-type: application/json' \
            -d "{\"email\":\"police@example.org\",\"password\":\"$PASSWORD\"}" "$url/api/v1/auth/login"; }
        export -f sign_in
        export url PASSWORD
        echo "   40 sign-ins, 8 at a time, answered (count, status):"
        seq 40 | xargs -P 8 -I{} bash -c sign_in | sort | uniq -c | sed 's/^/   /'
        for _ in 1 2 3 4 5; do
            token=$(curl -s -H 'content-type: application/json' -d "{\"email\":\"police@example.org\",\"password\":\"$PASSWORD\"}" \
                "$url/api/v1/auth/login" | jq -r '.access_token // empty')
            [[ -n $token ]] && break
        done
        if [[ -n $token ]]; then
            echo "   80 reads of the member's portfolio, 8 at a time, answered (count, status):"
            seq 80 | xargs -P 8 -I{} curl -s -o /dev/null -w '%{http_code}\n' -H "authorization: Bearer $token" \
                "$url/api/v1/me/portfolio" | sort | uniq -c | sed 's/^/   /'
        fi
    fi
    stop_service
    pgbouncer_stop
    echo "   the service's log (count, error; statement names as sN):"
    grep -o 'error=.*' "$log" | sed -E 's/"s[0-9]+"/"sN"/g' | sort | uniq -c | sort -rn | sed 's/^/   /' || echo "   none"
    psql "$PGURL/postgres" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
}

run_instances() {
    local status=0
    two_instances "two instances on PostgreSQL" "$PGURL" direct || status=1
    # Each instance's connection keeps its server connection in session
    # pooling, so PgBouncer's pool holds both instances' pools.
    pgbouncer_start session "$((2 * POOL_SIZE))"
    two_instances "two instances through PgBouncer, session pooling" "$PGBOUNCER_URL" session || status=1
    pgbouncer_stop
    transaction_pooling
    # PgBouncer 1.21 and later keep each client's prepared statements
    # wherever its transaction runs; the settings the service makes on its
    # connections are made on every server connection by connect_query.
    if [[ -n ${PGBOUNCER_TRANSACTION_BIN:-} ]]; then
        PGBOUNCER_BIN=$PGBOUNCER_TRANSACTION_BIN PGBOUNCER_SETTINGS="max_prepared_statements = 200" \
            PGBOUNCER_DATABASE_SETTINGS="connect_query='SET jit = off; SET plan_cache_mode = force_generic_plan'" \
            pgbouncer_start transaction "$POOL_SIZE"
        two_instances "two instances through PgBouncer $("$PGBOUNCER_TRANSACTION_BIN" --version | head -n 1 | cut -d' ' -f2), transaction pooling" \
            "$PGBOUNCER_URL" transaction-new || status=1
        pgbouncer_stop
    fi
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
        SERVICES=()
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
if [[ $scenarios == all || $scenarios == instances ]]; then
    run_instances || failed=1
fi
exit $failed
