#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on 127.0.0.1 for the test suite.
#
#   eval "$(scripts/test-postgres.sh start)"   # prints export TEST_DATABASE_URL=...
#   scripts/test-postgres.sh stop
#
# Installs Debian's postgresql package if no server is found, creates the
# cluster as the postgres user in a temporary folder (never touches a
# system cluster), with a role and database for the tests. The role may
# create databases: every test gets a fresh one.
set -euo pipefail

PORT="${TEST_PG_PORT:-54329}"
DIR="${TEST_PG_DIR:-/tmp/atelier-test-pg}"

as_postgres() {
  if [ "$(id -un)" = postgres ]; then "$@"; else su postgres -s /bin/bash -c "$(printf '%q ' "$@")"; fi
}

find_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
  done
  return 1
}

case "${1:-}" in
  start)
    if ! BIN="$(find_bin)"; then
      echo "installing postgresql from Debian's packages" >&2
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq >&2
      apt-get install -y -qq postgresql >&2
      BIN="$(find_bin)"
    fi
    id postgres >/dev/null 2>&1 || useradd --system --home "$DIR" postgres
    if [ -f "$DIR/data/postmaster.pid" ]; then
      as_postgres "$BIN/pg_ctl" -D "$DIR/data" -m fast stop >&2 || true
    fi
    rm -rf "$DIR"
    mkdir -p "$DIR"
    chown postgres "$DIR"
    as_postgres "$BIN/initdb" -D "$DIR/data" -U postgres -A trust --encoding UTF8 --locale C.UTF-8 >/dev/null
    # fsync stays on: tests exercise the same durability as production.
    as_postgres "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w start \
      -o "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$DIR -c max_connections=300" >&2
    as_postgres "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -q -v ON_ERROR_STOP=1 \
      -c "CREATE ROLE atelier LOGIN PASSWORD 'atelier' CREATEDB" \
      -c "CREATE DATABASE atelier OWNER atelier" >&2
    echo "export TEST_DATABASE_URL=postgres://atelier:atelier@127.0.0.1:$PORT/atelier"
    ;;
  stop)
    if BIN="$(find_bin)" && [ -f "$DIR/data/postmaster.pid" ]; then
      as_postgres "$BIN/pg_ctl" -D "$DIR/data" -m fast stop >&2
    fi
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
