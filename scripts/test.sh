#!/usr/bin/env bash
# Runs the whole suite: ruff, the migrations check and pytest (unit, integration and browser
# tests). Without DATABASE_URL it starts a throwaway PostgreSQL 15 cluster in a temporary folder
# (as the postgres user when run as root, since PostgreSQL refuses to run as root), and stops it
# afterwards, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

echo "== ruff"
$BIN/ruff check .
$BIN/ruff format --check .

if [[ -z "${DATABASE_URL:-}" ]]; then
  PG_BIN=/usr/lib/postgresql/15/bin
  PG_DIR=$(mktemp -d /tmp/cil-pg.XXXXXX)
  as_pg=()
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres:postgres "$PG_DIR"
    as_pg=(runuser -u postgres --)
  fi
  stop_pg() {
    "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  }
  trap stop_pg EXIT
  echo "== starting a throwaway PostgreSQL 15 cluster in $PG_DIR"
  "${as_pg[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-c listen_addresses='' -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
  # The migrations check connects to the database; pytest-django makes its own test database.
  "${as_pg[@]}" "$PG_BIN/createdb" -h "$PG_DIR" -U postgres cil
  export DATABASE_URL="postgres://postgres@/cil?host=$PG_DIR"
fi

echo "== migrations check"
DJANGO_DEBUG=true $BIN/python manage.py makemigrations --check --dry-run -v 0

echo "== pytest"
$BIN/python -m pytest "$@"
