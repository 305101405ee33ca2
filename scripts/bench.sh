#!/usr/bin/env bash
# `make bench`: the benchmark (bench/run.py) on a throwaway PostgreSQL 15 cluster with
# PostgreSQL's default, durable settings, as in production. Arguments go to bench/run.py
# (`make bench BENCH_ARGS="--rounds 50"`); it exits 1 when a budget is missed.
# `make bench BENCH_STORE=s3` keeps the files in a local S3 server (scripts/s3-server.sh, moto)
# instead of a folder, so the upload's memory budget is measured on the way to object storage.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/throwaway-pg.sh
source scripts/throwaway-pg.sh
start_throwaway_pg
case "${BENCH_STORE:-local}" in
  local) ;;
  s3)
    # A free port, so that the benchmark never meets a server someone else started.
    S3_PORT=${S3_PORT:-$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
    # shellcheck source=scripts/s3-server.sh
    source scripts/s3-server.sh
    # Both scripts stop their server at exit; one trap runs both.
    start_s3_server
    trap 'stop_s3_server; stop_throwaway_pg' EXIT
    ;;
  *) echo "BENCH_STORE is local or s3, not ${BENCH_STORE}" >&2; exit 2 ;;
esac
.venv/bin/python -m bench.run --pg-host "$PG_DIR" "$@"
