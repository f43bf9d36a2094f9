#!/usr/bin/env bash
# Queue benchmark: claims/s and end-to-end latency of no-op jobs with 16, 64 and 256
# concurrent worker connections against one PostgreSQL 15 started here (durable settings:
# fsync and synchronous_commit on, as in production). Raw output lines go to $OUT.
#
#   bench/queue/run.sh [--fast] [WORKERS...]     e.g. bench/queue/run.sh 16 64 256
#   --fast: fsync=off, synchronous_commit=off (what the tests use; not for production)
#   JOBS (default 20000) jobs per drain; RATE (200/s) and DURATION (10 s) for the latency phase;
#   POLL_MS (1000) is the workers' idle poll.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build-catalog}
OUT=${OUT:-/tmp/arbor-queue-bench}
JOBS=${JOBS:-20000}
RATE=${RATE:-200}
DURATION=${DURATION:-10}
POLL_MS=${POLL_MS:-1000}
DURABILITY=(-c fsync=on -c synchronous_commit=on)
COUNTS=()
for a in "$@"; do
  case "$a" in
    --fast) DURABILITY=(-c fsync=off -c synchronous_commit=off) ;;
    *) COUNTS+=("$a") ;;
  esac
done
[ ${#COUNTS[@]} -gt 0 ] || COUNTS=(16 64 256)

if [ ! -x "$BUILD/bench/queue/queue_bench" ]; then
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DARBOR_WERROR=ON >/dev/null
  ninja -C "$BUILD" queue_bench >/dev/null
fi
mkdir -p "$OUT"
WORK=$(mktemp -d /tmp/arbor-queue-bench-work.XXXXXX)
PGPID=
cleanup() {
  if [ -n "$PGPID" ]; then kill -INT "$PGPID" 2>/dev/null || true; wait "$PGPID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

B=/usr/lib/postgresql/15/bin
chown postgres:postgres "$WORK"
runuser -u postgres -- "$B/initdb" -D "$WORK/pg" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$WORK/initdb.log"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
setpriv --reuid=postgres --regid=postgres --init-groups "$B/postgres" -D "$WORK/pg" -p "$PORT" -k "$WORK" \
  -c listen_addresses=127.0.0.1 -c max_connections=600 -c shared_buffers=256MB "${DURABILITY[@]}" \
  >"$WORK/pg.log" 2>&1 &
PGPID=$!
for _ in $(seq 100); do pg_isready -q -h 127.0.0.1 -p "$PORT" && break; sleep 0.1; done

echo "| workers | drain claims/s | claim+complete p50 ms | p99 ms | pickup p50 ms | p99 ms | end-to-end p50 ms | p95 ms | p99 ms |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in "${COUNTS[@]}"; do
  db=queue_$n
  psql -q -h 127.0.0.1 -p "$PORT" -U postgres -c "CREATE DATABASE $db"
  cmd=("$BUILD/bench/queue/queue_bench" --catalog "postgres://postgres@127.0.0.1:$PORT/$db" --workers "$n"
       --jobs "$JOBS" --rate "$RATE" --seconds "$DURATION" --poll-ms "$POLL_MS")
  echo "== ${cmd[*]}" >&2
  "${cmd[@]}" 2>"$OUT/$n.log" | tee "$OUT/$n.txt" >&2
  v() { grep "^$1 " "$OUT/$n.txt" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k {print $2}'; }
  echo "| $n | $(v drain claims_per_s) | $(v drain rtt_ms_p50) | $(v drain p99) | $(v latency pickup_ms_p50) |" \
       "$(v latency p99 | head -1) | $(v latency end_to_end_ms_p50) | $(v latency p95 | tail -1) |" \
       "$(v latency p99 | tail -1) |"
done
