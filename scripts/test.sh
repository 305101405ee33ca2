#!/usr/bin/env bash
# Runs the whole suite: ruff, mypy, the migrations check and pytest (unit, integration and browser
# tests). Without DATABASE_URL it starts a throwaway PostgreSQL 15 cluster (throwaway-pg.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

echo "== ruff"
$BIN/ruff check .
$BIN/ruff format --check .

echo "== mypy"
# The django-stubs plugin imports the settings; DEBUG mode needs no secret key and no database.
DJANGO_DEBUG=true $BIN/mypy

echo "== bandit"
# Security lint of the portal's code; each exception is justified on its own line (# nosec).
$BIN/bandit -q -c pyproject.toml -r cil activities portfolio certificates retention demo bench 2>/dev/null

if [[ -z "${DATABASE_URL:-}" ]]; then
  # shellcheck source=scripts/throwaway-pg.sh
  source scripts/throwaway-pg.sh
  # No durability needed for a database that lives as long as the suite.
  start_throwaway_pg -c fsync=off -c synchronous_commit=off -c full_page_writes=off
  # The migrations check connects to the database; pytest-django makes its own test database.
  "${as_pg[@]}" "$PG_BIN/createdb" -h "$PG_DIR" -U postgres cil
  export DATABASE_URL="postgres://postgres@/cil?host=$PG_DIR"
fi

echo "== migrations check"
DJANGO_DEBUG=true $BIN/python manage.py makemigrations --check --dry-run -v 0

echo "== pytest"
$BIN/python -m pytest "$@"
