# shellcheck shell=bash disable=SC2034  # (sets variables for the scripts that source it)
# Shared by scripts/check-api-contract, scripts/check-docs-ui,
# scripts/check-pages and scripts/check-report-docx (sourced, not run).
#
# Pinned tool versions, the tool installers (into .tools/, gitignored) and a
# throwaway demo instance of the service: its own database, a free port, the
# demo accounts' password read from what it prints at start.

DPT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DPT_TOOLS="$DPT_ROOT/.tools"

REDOCLY_CLI_VERSION=2.77.0
SCHEMATHESIS_VERSION=4.32.5
PLAYWRIGHT_CORE_VERSION=1.65.1
AXE_CORE_VERSION=4.14.1
PIKEPDF_VERSION=10.18.0
PYTHON_DOCX_VERSION=1.2.0
PYPDF_VERSION=7.1.0

PG_HOST=${PG_HOST:-127.0.0.1}
PG_PORT=${PG_PORT:-5432}
PG_USER=${PG_USER:-postgres}

DEMO_ADMIN_EMAIL=admin@example.org

log() { printf '== %s %s\n' "$(date +%T)" "$*" >&2; }
die() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

# The binary under test: $DPT_BIN, or a fresh debug build (what CI does).
resolve_binary() {
    if [[ -n "${DPT_BIN:-}" ]]; then
        [[ -x "$DPT_BIN" ]] || die "DPT_BIN=$DPT_BIN is not an executable file"
    else
        log "DPT_BIN unset: cargo build --locked"
        (cd "$DPT_ROOT" && cargo build --locked) || die "cargo build failed"
        DPT_BIN="$DPT_ROOT/target/debug/delivery-tracker"
    fi
    DPT_BIN=$(cd "$(dirname "$DPT_BIN")" && pwd)/$(basename "$DPT_BIN")
    log "binary: $DPT_BIN"
}

# npm package NAME at VERSION into .tools/DIR, unless already there.
# Prints the package's directory.
npm_tool() {
    local dir="$DPT_TOOLS/$1" name=$2 version=$3 have=""
    local pkg="$dir/node_modules/$name/package.json"
    [[ -f "$pkg" ]] && have=$(node -p "require(process.argv[1]).version" "$pkg" 2>/dev/null || true)
    if [[ "$have" != "$version" ]]; then
        log "installing $name@$version into ${dir#"$DPT_ROOT"/}"
        mkdir -p "$dir"
        [[ -f "$dir/package.json" ]] || echo '{"private": true}' >"$dir/package.json"
        npm install --prefix "$dir" --save-exact --no-audit --no-fund --loglevel=error \
            "$name@$version" >&2 || die "npm install $name@$version failed"
    fi
    echo "$dir/node_modules/$name"
}

install_redocly() {
    npm_tool redocly @redocly/cli "$REDOCLY_CLI_VERSION" >/dev/null
    REDOCLY="$DPT_TOOLS/redocly/node_modules/.bin/redocly"
    [[ -x "$REDOCLY" ]] || die "redocly is not at $REDOCLY"
}

install_schemathesis() {
    local venv="$DPT_TOOLS/venv" have=""
    [[ -x "$venv/bin/python" ]] &&
        have=$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("schemathesis"))' 2>/dev/null || true)
    if [[ "$have" != "$SCHEMATHESIS_VERSION" ]]; then
        log "installing schemathesis==$SCHEMATHESIS_VERSION into .tools/venv"
        [[ -x "$venv/bin/python" ]] || python3 -m venv "$venv" || die "python3 -m venv failed"
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
            "schemathesis==$SCHEMATHESIS_VERSION" >&2 || die "pip install schemathesis failed"
    fi
    SCHEMATHESIS="$venv/bin/schemathesis"
}

# pikepdf, to read the structure of the PDFs the browser prints.
install_pikepdf() {
    local venv="$DPT_TOOLS/venv" have=""
    [[ -x "$venv/bin/python" ]] &&
        have=$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("pikepdf"))' 2>/dev/null || true)
    if [[ "$have" != "$PIKEPDF_VERSION" ]]; then
        log "installing pikepdf==$PIKEPDF_VERSION into .tools/venv"
        [[ -x "$venv/bin/python" ]] || python3 -m venv "$venv" || die "python3 -m venv failed"
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
            "pikepdf==$PIKEPDF_VERSION" >&2 || die "pip install pikepdf failed"
    fi
    PDF_PYTHON="$venv/bin/python"
}

# PACKAGE at VERSION into .tools/venv, unless already there.
venv_package() {
    local venv="$DPT_TOOLS/venv" have=""
    [[ -x "$venv/bin/python" ]] &&
        have=$("$venv/bin/python" -c 'import importlib.metadata as m, sys; print(m.version(sys.argv[1]))' "$1" 2>/dev/null || true)
    if [[ "$have" != "$2" ]]; then
        log "installing $1==$2 into .tools/venv"
        [[ -x "$venv/bin/python" ]] || python3 -m venv "$venv" || die "python3 -m venv failed"
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
            "$1==$2" >&2 || die "pip install $1 failed"
    fi
}

# python-docx and pypdf, to read the Word documents the service writes and
# the PDFs LibreOffice makes of them.
install_docx_python() {
    venv_package python-docx "$PYTHON_DOCX_VERSION"
    venv_package pypdf "$PYPDF_VERSION"
    DOCX_PYTHON="$DPT_TOOLS/venv/bin/python"
}

install_playwright_core() {
    PLAYWRIGHT_CORE_DIR=$(npm_tool playwright "playwright-core" "$PLAYWRIGHT_CORE_VERSION")
}

# axe-core, the accessibility rules engine injected into pages (axe.min.js).
install_axe_core() {
    AXE_CORE_DIR=$(npm_tool axe-core "axe-core" "$AXE_CORE_VERSION")
    AXE_CORE_JS="$AXE_CORE_DIR/axe.min.js"
    [[ -f "$AXE_CORE_JS" ]] || die "axe-core has no axe.min.js at $AXE_CORE_JS"
}

# Debian's Chromium (no browser download: playwright-core only drives it).
install_chromium() {
    if [[ ! -x /usr/bin/chromium ]]; then
        log "installing Debian's chromium"
        local sudo=""
        [[ $(id -u) -eq 0 ]] || sudo=sudo
        export DEBIAN_FRONTEND=noninteractive
        $sudo apt-get update -qq >&2 || die "apt-get update failed"
        $sudo apt-get install -y -qq --no-install-recommends chromium fonts-liberation >&2 ||
            die "apt-get install chromium failed"
    fi
    [[ -x /usr/bin/chromium ]] || die "/usr/bin/chromium is missing after install"
}

# Debian's LibreOffice Writer, to open Word documents as a reader would and
# print them to PDF.
install_libreoffice() {
    if ! command -v soffice >/dev/null; then
        log "installing Debian's libreoffice-writer"
        local sudo=""
        [[ $(id -u) -eq 0 ]] || sudo=sudo
        export DEBIAN_FRONTEND=noninteractive
        $sudo apt-get update -qq >&2 || die "apt-get update failed"
        $sudo apt-get install -y -qq --no-install-recommends libreoffice-writer fonts-liberation >&2 ||
            die "apt-get install libreoffice-writer failed"
    fi
    command -v soffice >/dev/null || die "soffice is missing after installing libreoffice-writer"
}

# A port nobody listens on: PREFERRED if free, else one the kernel picks.
free_port() {
    python3 - "$1" <<'EOF'
import socket, sys
def free(port):
    s = socket.socket()
    # As the service does, so that connections of an earlier run in TIME_WAIT
    # do not count; a listening socket still does.
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(("127.0.0.1", port)); return s.getsockname()[1]
    except OSError:
        return None
    finally:
        s.close()
print(free(int(sys.argv[1])) or free(0))
EOF
}

psql_admin() {
    psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -v ON_ERROR_STOP=1 -qAtX "$@"
}

SERVICE_PID=""
SERVICE_DB=""
SERVICE_LOG=""

stop_service() {
    if [[ -n "$SERVICE_PID" ]] && kill -0 "$SERVICE_PID" 2>/dev/null; then
        kill -TERM "$SERVICE_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$SERVICE_PID" 2>/dev/null || break
            sleep 0.2
        done
        kill -KILL "$SERVICE_PID" 2>/dev/null || true
        wait "$SERVICE_PID" 2>/dev/null || true
    fi
    SERVICE_PID=""
    if [[ -n "$SERVICE_DB" ]]; then
        psql_admin -c "DROP DATABASE IF EXISTS \"$SERVICE_DB\" WITH (FORCE)" ||
            echo "warning: could not drop database $SERVICE_DB" >&2
        SERVICE_DB=""
    fi
}

# start_service DB_PREFIX PREFERRED_PORT LOGFILE [extra env assignments...]
# Sets BASE_URL, DEMO_PASSWORD_PRINTED, SERVICE_PID, SERVICE_DB. The caller
# must `trap stop_service EXIT` (or call it from its own trap).
start_service() {
    local prefix=$1 preferred=$2
    SERVICE_LOG=$3
    shift 3
    command -v psql >/dev/null || die "psql is not installed"
    pg_isready -h "$PG_HOST" -p "$PG_PORT" -q 2>/dev/null ||
        die "PostgreSQL is not reachable on $PG_HOST:$PG_PORT"
    SERVICE_DB="${prefix}_$(date +%s)_$RANDOM"
    psql_admin -c "CREATE DATABASE \"$SERVICE_DB\"" || die "could not create database $SERVICE_DB"
    local port
    port=$(free_port "$preferred")
    BASE_URL="http://127.0.0.1:$port"
    log "starting the service (serve --demo) on $BASE_URL, database $SERVICE_DB, log $SERVICE_LOG"
    mkdir -p "$(dirname "$SERVICE_LOG")"
    env -u DEMO_PASSWORD -u JWT_SECRET -u CORS_ALLOWED_ORIGINS \
        DATABASE_URL="postgres://$PG_USER@$PG_HOST:$PG_PORT/$SERVICE_DB" \
        BIND_ADDR="127.0.0.1:$port" \
        RUST_LOG="${RUST_LOG:-info}" LOG_FORMAT=text \
        "$@" \
        "$DPT_BIN" serve --demo >"$SERVICE_LOG" 2>&1 </dev/null &
    SERVICE_PID=$!
    local ready=""
    for _ in $(seq 1 120); do
        if ! kill -0 "$SERVICE_PID" 2>/dev/null; then
            tail -n 30 "$SERVICE_LOG" >&2
            die "the service exited during start (log above)"
        fi
        if [[ $(curl -s -o /dev/null -w '%{http_code}' "$BASE_URL/readyz") == 200 ]]; then
            ready=1
            break
        fi
        sleep 0.5
    done
    [[ -n "$ready" ]] || { tail -n 30 "$SERVICE_LOG" >&2; die "the service did not answer 200 on /readyz within 60 s"; }
    DEMO_PASSWORD_PRINTED=$(sed -n 's/^Password for every demo account: *//p' "$SERVICE_LOG" | tail -n 1 | tr -d '\r')
    [[ -n "$DEMO_PASSWORD_PRINTED" ]] ||
        die "the service did not print 'Password for every demo account: ...' (see $SERVICE_LOG)"
    log "ready; demo admin $DEMO_ADMIN_EMAIL"
}

# login EMAIL PASSWORD: prints the access token.
login() { login_field access_token "$@"; }
# login_refresh_token EMAIL PASSWORD: signs in and prints the refresh token, as a JSON string.
login_refresh_token() { login_field refresh_token "$@" | jq -Rc .; }

login_field() {
    local field=$1
    shift
    local body status out
    out=$(mktemp)
    body=$(jq -nc --arg e "$1" --arg p "$2" '{email: $e, password: $p}')
    status=$(curl -s -o "$out" -w '%{http_code}' "$BASE_URL/api/v1/auth/login" \
        -H 'content-type: application/json' -d "$body")
    [[ "$status" == 200 ]] || { cat "$out" >&2; rm -f "$out"; die "login as $1 answered $status"; }
    jq -er ".$field" "$out" || { rm -f "$out"; die "login response has no $field"; }
    rm -f "$out"
}
