#!/usr/bin/env bash
# `make bench`: the benchmark (bench/run.py) on a throwaway PostgreSQL 15 cluster with
# PostgreSQL's default, durable settings, as in production. Arguments go to bench/run.py
# (`make bench BENCH_ARGS="--rounds 50"`); it exits 1 when a budget is missed.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/throwaway-pg.sh
source scripts/throwaway-pg.sh
start_throwaway_pg
.venv/bin/python -m bench.run --pg-host "$PG_DIR" "$@"
