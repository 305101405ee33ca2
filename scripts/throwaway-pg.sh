# Sourced by test.sh and bench.sh. `start_throwaway_pg [postgres -c options...]` starts a
# PostgreSQL 15 cluster in a temporary folder, listening on a socket there only (PG_DIR), as
# the postgres user when run as root (PostgreSQL refuses to run as root), and stops and
# removes it when the script exits, whatever happens.
start_throwaway_pg() {
  PG_BIN=/usr/lib/postgresql/15/bin
  PG_DIR=$(mktemp -d /tmp/cil-pg.XXXXXX)
  as_pg=()
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres:postgres "$PG_DIR"
    as_pg=(runuser -u postgres --)
  fi
  trap stop_throwaway_pg EXIT
  echo "== starting a throwaway PostgreSQL 15 cluster in $PG_DIR"
  "${as_pg[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-c listen_addresses='' -k $PG_DIR $*" start >/dev/null
}

stop_throwaway_pg() {
  "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
