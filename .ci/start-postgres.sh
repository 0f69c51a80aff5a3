#!/usr/bin/env bash
# Installs (if needed) and starts a throwaway PostgreSQL server on 127.0.0.1 for the tests, idempotently.
# Prints nothing but progress on stderr; the connection string goes to stdout as the last line.
set -euo pipefail

PG_PORT="${CS_TEST_PG_PORT:-55432}"
PG_DIR="${CS_TEST_PG_DIR:-/tmp/communitystream-pg}"
PG_PASSWORD="cs-test-only"

log() { echo "[postgres] $*" >&2; }

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  echo "$dir"
}

if [ -z "$(pg_bin)" ] || [ ! -x "$(pg_bin)/initdb" ]; then
  log "installing postgresql from Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
fi
BIN=$(pg_bin)

as_postgres() { runuser -u postgres -- "$@"; }

if [ ! -f "$PG_DIR/PG_VERSION" ]; then
  log "initialising a cluster in $PG_DIR"
  rm -rf "$PG_DIR"
  mkdir -p "$PG_DIR"
  chown postgres:postgres "$PG_DIR"
  pwfile=$(mktemp)
  echo "$PG_PASSWORD" > "$pwfile"
  chown postgres "$pwfile"
  as_postgres "$BIN/initdb" -D "$PG_DIR" -U postgres --pwfile="$pwfile" -A scram-sha-256 >/dev/null
  rm -f "$pwfile"
fi

if ! as_postgres "$BIN/pg_ctl" -D "$PG_DIR" status >/dev/null 2>&1; then
  log "starting on 127.0.0.1:$PG_PORT"
  as_postgres "$BIN/pg_ctl" -D "$PG_DIR" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-k /tmp -p $PG_PORT -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off" start >&2
fi

for _ in $(seq 1 60); do
  if PGPASSWORD="$PG_PASSWORD" "$BIN/pg_isready" -h 127.0.0.1 -p "$PG_PORT" -U postgres >/dev/null 2>&1; then
    echo "Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Password=$PG_PASSWORD;Database=postgres"
    exit 0
  fi
  sleep 1
done
log "PostgreSQL did not become ready; see $PG_DIR/server.log"
exit 1
