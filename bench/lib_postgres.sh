# Sourced by the benchmarks that need a catalog: a throwaway PostgreSQL 15 in a folder of
# their own, owned by the postgres user, listening on a free port of 127.0.0.1.
#
#   start_postgres DIR [-c name=value ...]   sets PORT and PGPID; logs in DIR/pg.log
#   stop_postgres                            fast shutdown (for the caller's EXIT trap)
PG_BIN=/usr/lib/postgresql/15/bin

start_postgres() {
  local dir=$1
  shift
  chown postgres:postgres "$dir"
  runuser -u postgres -- "$PG_BIN/initdb" -D "$dir/pg" -U postgres -A trust --no-sync -E UTF8 \
    --locale=C.UTF-8 >"$dir/initdb.log"
  PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  setpriv --reuid=postgres --regid=postgres --init-groups "$PG_BIN/postgres" -D "$dir/pg" -p "$PORT" \
    -k "$dir" -c listen_addresses=127.0.0.1 "$@" >"$dir/pg.log" 2>&1 &
  PGPID=$!
  local _
  for _ in $(seq 100); do pg_isready -q -h 127.0.0.1 -p "$PORT" && return 0; sleep 0.1; done
  echo "postgres did not start; see $dir/pg.log" >&2
  return 1
}

stop_postgres() {
  if [ -n "${PGPID:-}" ]; then kill -INT "$PGPID" 2>/dev/null || true; wait "$PGPID" 2>/dev/null || true; fi
  PGPID=
}
