# Helpers for the worker scenarios: a throwaway PostgreSQL, arbor worker processes, and
# JSON fields of `arbor ... --json` output. Sourced after tests/scenarios/lib.sh.
#
#   start_postgres            sets PG_URL (a fresh server and database, stopped at exit)
#   use_catalog URL           every later `arbor` call uses that catalog
#   tenant_add NAME           a tenant whose repository password is $ARBOR_PASSWORD, so the
#                             namespaces its jobs make are encrypted (cheap Argon2id)
#   start_worker ID [ARGS]    an `arbor worker` in the background; its pid in WORKER_PID[ID]
#   kill_worker ID [SIGNAL]   signal (default KILL) and reap it
#   job_field ID FIELD        a field of `arbor job show ID --json` (python expression on j)
#   SERVER_PIDS+=(PID)        other servers the scenario started, killed at exit

PG_BIN=/usr/lib/postgresql/15/bin
declare -A WORKER_PID=()
SERVER_PIDS=()
PG_DIR=""
PG_PID=""

cleanup_workers() {
  local rc=$? id log
  if [[ $rc != 0 ]]; then  # a failed scenario shows what its workers said
    for log in "$WORK"/worker-*.log; do
      [[ -f $log ]] && { echo "=== ${log##*/} (last lines)"; tail -n 15 "$log"; } >&2
    done
  fi
  for id in "${!WORKER_PID[@]}"; do
    kill -9 "${WORKER_PID[$id]}" 2>/dev/null || true
    wait "${WORKER_PID[$id]}" 2>/dev/null || true  # only the workers: a bare `wait` would wait for postgres too
  done
  for id in "${SERVER_PIDS[@]}"; do
    kill -9 "$id" 2>/dev/null || true
    wait "$id" 2>/dev/null || true
  done
  if [[ -n "$PG_PID" ]]; then
    # pg_ctl signals the postmaster itself (its pid file): a signal to runuser is not
    # always passed on (under ctest it was not, and the wait below never ended).
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 \
      || kill -9 "$PG_PID" 2>/dev/null || true
    wait "$PG_PID" 2>/dev/null || true
  fi
  [[ -n "$PG_DIR" ]] && rm -rf "$PG_DIR"
  rm -rf "$WORK"
}
trap cleanup_workers EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_postgres() {
  PG_DIR=$(mktemp -d /tmp/arbor-pg-XXXXXX)
  chmod 755 "$PG_DIR"
  chown postgres:postgres "$PG_DIR"
  runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust --no-sync -E UTF8 \
    --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log"; fail "initdb"; }
  local port
  port=$(free_port)
  runuser -u postgres -- "$PG_BIN/postgres" -D "$PG_DIR/data" -p "$port" -k "$PG_DIR" \
    -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=200 \
    >"$PG_DIR/server.log" 2>&1 &
  PG_PID=$!
  for _ in $(seq 1 200); do
    pg_isready -q -h 127.0.0.1 -p "$port" && break
    sleep 0.05
  done
  pg_isready -q -h 127.0.0.1 -p "$port" || { cat "$PG_DIR/server.log"; fail "postgres did not start"; }
  PG_URL="postgres://postgres@127.0.0.1:$port/postgres"
}

use_catalog() { export ARBOR_CATALOG="$1"; }

# Workers unseal the tenants' repository passwords with it.
export ARBOR_CATALOG_KEY=${ARBOR_CATALOG_KEY:-$(openssl rand -hex 32)}

tenant_add() {
  "$ARBOR" tenant add "$1" >/dev/null
  "$ARBOR" tenant set-password "$1" --kdf-memory 1 --kdf-iterations 1 >/dev/null
}

# start_worker ID [extra arbor worker args...]: logs to $WORK/worker-ID.log.
start_worker() {
  local id=$1; shift
  "$ARBOR" worker --id "$id" --lease 1s --heartbeat 200ms --idle-poll 100ms --threads 1 "$@" \
    >>"$WORK/worker-$id.log" 2>&1 &
  WORKER_PID[$id]=$!
}

kill_worker() {
  local id=$1 sig=${2:-KILL}
  kill "-$sig" "${WORKER_PID[$id]}" 2>/dev/null || true
  wait "${WORKER_PID[$id]}" 2>/dev/null || true
  unset "WORKER_PID[$id]"
}

# job_field ID EXPR: EXPR is Python over j = the job (e.g. "j['state']", "j['attempts']").
job_field() {
  "$ARBOR" job show "$1" --json | python3 -c "import json,sys; j=json.load(sys.stdin)['job']; print($2)"
}

# wait_running ID WORKER: until the job runs on WORKER (up to 30 s).
wait_running() {
  local id=$1 worker=$2 i
  for i in $(seq 1 300); do
    [[ $(job_field "$id" "j['state'] + ' ' + j['worker']") == "running $worker" ]] && return 0
    sleep 0.1
  done
  fail "job $id never ran on $worker"
}

# A tree of N small files (seeded), in subdirectories of 500 files.
make_tree() {  # make_tree DIR N SEED
  python3 - "$1" "$2" "$3" <<'PY'
import os, random, sys
root, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
r = random.Random(seed)
for i in range(n):
    d = os.path.join(root, "d%03d" % (i // 500), "s%d" % (i % 3))
    if i % 500 < 3:
        os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%06d" % i), "wb") as f:
        f.write(r.randbytes(r.randint(10, 3000)))
PY
}
