#!/usr/bin/env bash
# A throwaway PostgreSQL + PostGIS cluster on a Unix socket, for development and tests.
#
#   eval "$(bash scripts/postgis.sh start)"   # install Debian's packages if missing, start, export THMAPS_DATABASE_URL
#   bash scripts/postgis.sh url               # print the database URL
#   bash scripts/postgis.sh status            # exit 0 if running
#   bash scripts/postgis.sh stop              # stop the server and delete the cluster (it is throwaway)
#
# The cluster lives in $THMAPS_PG_DIR (default $TMPDIR/thmaps-pg), listens on no TCP port, only on a socket in
# that folder (mode 0700), and trusts local connections: it is for one machine's development and tests, never
# for a shared deployment. Run as root, the server runs as the `postgres` user (PostgreSQL refuses root).
# No password is set or stored anywhere; a real deployment takes its credentials from the environment
# (THMAPS_DATABASE_URL, or libpq's PGPASSWORD / ~/.pgpass).
set -euo pipefail

ROOT_DIR="${THMAPS_PG_DIR:-${TMPDIR:-/tmp}/thmaps-pg}"
DATA="$ROOT_DIR/data"
SOCK="$ROOT_DIR/sock"
LOG="$ROOT_DIR/server.log"
DB="${THMAPS_PG_DB:-thmaps}"
PG_MAJOR="${THMAPS_PG_MAJOR:-15}"

if [ "$(id -u)" = 0 ]; then
  SUPERUSER=postgres
  as_owner() { runuser -u postgres -- "$@"; }
else
  SUPERUSER="$(id -un)"
  as_owner() { "$@"; }
fi

bindir() {
  local dir
  for dir in "/usr/lib/postgresql/$PG_MAJOR/bin" /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/initdb" ]; then echo "$dir"; return 0; fi
  done
  return 1
}

install_packages() {
  # Debian's server and PostGIS packages, only when missing.
  local bin
  bin="$(bindir || true)"
  if [ -n "$bin" ] && [ -f "/usr/share/postgresql/$(basename "$(dirname "$bin")")/extension/postgis.control" ]; then
    return 0
  fi
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "Installing Debian's postgresql and postgresql-$PG_MAJOR-postgis-3..." >&2
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "postgresql-$PG_MAJOR" "postgresql-$PG_MAJOR-postgis-3" >&2
}

url() {
  echo "postgresql:///$DB?host=$SOCK&user=$SUPERUSER"
}

running() {
  local bin
  bin="$(bindir)" || return 1
  [ -f "$DATA/PG_VERSION" ] && as_owner "$bin/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

psql_() {
  PGOPTIONS="-c client_min_messages=warning" as_owner "$(bindir)/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCK" -U "$SUPERUSER" "$@"
}

start() {
  install_packages
  local bin
  bin="$(bindir)"
  if ! running; then
    mkdir -p "$ROOT_DIR"
    [ "$(id -u)" = 0 ] && chown postgres: "$ROOT_DIR"
    if [ ! -f "$DATA/PG_VERSION" ]; then
      as_owner "$bin/initdb" -D "$DATA" -U "$SUPERUSER" --auth-local=trust --auth-host=reject -E UTF8 \
        --locale=C.UTF-8 >/dev/null
    fi
    as_owner mkdir -p "$SOCK"
    chmod 0700 "$SOCK"
    # Small, fast and disposable: no TCP, no fsync (a crash loses a throwaway cluster, nothing else).
    as_owner "$bin/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 \
      -o "-k $SOCK -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null
  fi
  if ! psql_ -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
    psql_ -d postgres -c "CREATE DATABASE \"$DB\""
  fi
  psql_ -d "$DB" -c "CREATE EXTENSION IF NOT EXISTS postgis"
  echo "export THMAPS_DATABASE_URL='$(url)'"
}

stop() {
  local bin
  if bin="$(bindir)" && [ -f "$DATA/PG_VERSION" ]; then
    as_owner "$bin/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$ROOT_DIR"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) url ;;
  status) running ;;
  *) echo "usage: $0 start|stop|url|status" >&2; exit 2 ;;
esac
