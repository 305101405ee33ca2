#!/usr/bin/env bash
# `make bench`: the benchmark (bench/run.py) on a throwaway PostgreSQL 15 cluster with
# PostgreSQL's default, durable settings, as in production. Arguments go to bench/run.py
# (`make bench BENCH_ARGS="--sizes 2000,20000 --rounds 50"`); it exits 1 when a budget is
# missed. A local S3 server (scripts/s3-server.sh, moto) is started too: the 100 MB upload is
# measured once to the local folder and once to a bucket there (BENCH_S3_STORAGE_URL); every
# other part of the run keeps its files in the folder.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/throwaway-pg.sh
source scripts/throwaway-pg.sh
start_throwaway_pg
# A free port, so that the benchmark never meets a server someone else started.
S3_PORT=${S3_PORT:-$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
# shellcheck source=scripts/s3-server.sh
source scripts/s3-server.sh
# Both scripts stop their server at exit; one trap runs both.
start_s3_server
trap 'stop_s3_server; stop_throwaway_pg' EXIT
export BENCH_S3_STORAGE_URL="$STORAGE_URL"
unset STORAGE_URL
.venv/bin/python -m bench.run --pg-host "$PG_DIR" "$@"
