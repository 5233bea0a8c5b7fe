# PgBouncer for the benchmarks, sourced by bench/reliability.sh and bench/run:
#
#   pgbouncer_start MODE POOL   PgBouncer in MODE (session or transaction) on a
#                               free port of 127.0.0.1, POOL server connections per
#                               database; sets PGBOUNCER_URL (no database name)
#   pgbouncer_stop              stops it
#
# PGBOUNCER_BIN names another build (Debian's package is used otherwise);
# PGBOUNCER_SETTINGS adds lines to the [pgbouncer] section and
# PGBOUNCER_DATABASE_SETTINGS to the line forwarding the databases
# (for example connect_query='...').
#
# It forwards every database to the PostgreSQL at PGBOUNCER_UPSTREAM_HOST:PORT
# (127.0.0.1:5432) as the same user, with trust authentication like the
# machine's own pg_hba.conf. Its ini, user list and log are under
# target/pgbouncer-MODE/. Debian's package is installed when missing; the
# package's own service is stopped and disabled, so only this copy runs.

PGBOUNCER_UPSTREAM_HOST=${PGBOUNCER_UPSTREAM_HOST:-127.0.0.1}
PGBOUNCER_UPSTREAM_PORT=${PGBOUNCER_UPSTREAM_PORT:-5432}
PGBOUNCER_BIN=${PGBOUNCER_BIN:-pgbouncer}
PGBOUNCER_SETTINGS=${PGBOUNCER_SETTINGS:-}
PGBOUNCER_DATABASE_SETTINGS=${PGBOUNCER_DATABASE_SETTINGS:-}
PGBOUNCER_PID=""
PGBOUNCER_URL=""
PGBOUNCER_LOG=""

pgbouncer_install() {
    if [[ $PGBOUNCER_BIN != pgbouncer ]]; then
        return 0
    fi
    if ! command -v pgbouncer >/dev/null; then
        echo "== installing pgbouncer"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbouncer >/dev/null
    fi
    # The package starts its own copy on 6432 where systemd runs; it is not needed.
    if command -v systemctl >/dev/null && systemctl is-enabled --quiet pgbouncer 2>/dev/null; then
        systemctl disable --now pgbouncer >/dev/null 2>&1 || true
    fi
}

pgbouncer_start() { # MODE POOL
    local mode=$1 pool=$2 dir port
    pgbouncer_install
    dir=$(pwd)/target/pgbouncer-$mode
    mkdir -p "$dir"
    rm -f "$dir/pgbouncer.pid" "$dir/pgbouncer.log"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    cat >"$dir/pgbouncer.ini" <<EOF
[databases]
* = host=$PGBOUNCER_UPSTREAM_HOST port=$PGBOUNCER_UPSTREAM_PORT $PGBOUNCER_DATABASE_SETTINGS

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = trust
auth_file = $dir/userlist.txt
pool_mode = $mode
default_pool_size = $pool
max_client_conn = 400
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
$PGBOUNCER_SETTINGS
EOF
    echo '"postgres" ""' >"$dir/userlist.txt"
    # PgBouncer refuses to run as root (its -u option does not help there).
    if [[ $(id -u) == 0 ]]; then
        chown -R postgres "$dir"
        runuser -u postgres -- "$PGBOUNCER_BIN" -d "$dir/pgbouncer.ini"
    else
        "$PGBOUNCER_BIN" -d "$dir/pgbouncer.ini"
    fi
    PGBOUNCER_URL=postgres://postgres@127.0.0.1:$port
    PGBOUNCER_LOG=$dir/pgbouncer.log
    for _ in $(seq 1 50); do
        if [[ -s $dir/pgbouncer.pid ]] && psql "$PGBOUNCER_URL/postgres" -qAtXc "SELECT 1" >/dev/null 2>&1; then
            PGBOUNCER_PID=$(cat "$dir/pgbouncer.pid")
            echo "   PgBouncer $("$PGBOUNCER_BIN" --version | head -n 1 | cut -d' ' -f2), $mode pooling, $pool server connections, on 127.0.0.1:$port"
            return 0
        fi
        sleep 0.1
    done
    echo "PgBouncer did not start; its log:" >&2
    cat "$dir/pgbouncer.log" >&2 || true
    return 1
}

# Daemonised, PgBouncer is nobody's child here: once ended it may stay a
# zombie until init reaps it, which kill -0 cannot tell from running.
pgbouncer_running() {
    local state
    state=$(ps -o stat= -p "$1" 2>/dev/null) && [[ $state != Z* ]]
}

pgbouncer_stop() {
    if [[ -n $PGBOUNCER_PID ]] && pgbouncer_running "$PGBOUNCER_PID"; then
        kill -TERM "$PGBOUNCER_PID"
        for _ in $(seq 1 50); do
            pgbouncer_running "$PGBOUNCER_PID" || break
            sleep 0.1
        done
    fi
    PGBOUNCER_PID=""
}
