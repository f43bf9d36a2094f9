#!/usr/bin/env bash
# Queue benchmark: claims/s, CPU cost per job and latency of no-op jobs with 16, 64 and 256
# concurrent worker connections against one PostgreSQL 15 started here (durable settings:
# fsync and synchronous_commit on, as in production). Raw output goes to $OUT.
#
#   bench/queue/run.sh [--fast] [WORKERS...]     e.g. bench/queue/run.sh 16 64 256
#   --fast: fsync=off, synchronous_commit=off (what the tests use; not for production)
#   JOBS (default 20000) jobs per drain; RATE (200/s) and DURATION (10 s) for the latency
#   and idle phases; POLL_MS (1000) is the workers' idle poll; NAPTIME (1s) is the
#   server's autovacuum_naptime (the queue needs frequent vacuum, see docs/scaling.md).
#
# CPU is measured besides wall time because the machines this runs on are shared: the
# bench samples the CPU time of this database's Postgres backends (/proc) and its own
# (getrusage) over each phase's steady state, which says what the queue costs whatever
# else the machine is doing. The server therefore runs on this machine.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/bench/lib_postgres.sh"
BUILD=${BUILD:-$ROOT/build}
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
  stop_postgres
  rm -rf "$WORK"
}
trap cleanup EXIT

start_postgres "$WORK" -c max_connections=600 -c shared_buffers=256MB -c autovacuum_naptime=${NAPTIME:-1s} \
  "${DURABILITY[@]}"
# run PHASE N: one phase on a fresh database; its output line goes to $OUT/N.PHASE.txt.
run() {
  local phase=$1 n=$2 db=queue_$2_$1
  psql -q -h 127.0.0.1 -p "$PORT" -U postgres -c "CREATE DATABASE $db"
  local cmd=("$BUILD/bench/queue/queue_bench" --catalog "postgres://postgres@127.0.0.1:$PORT/$db" --phase "$phase"
             --workers "$n" --jobs "$JOBS" --rate "$RATE" --seconds "$DURATION" --poll-ms "$POLL_MS")
  echo "== ${cmd[*]}" >&2
  "${cmd[@]}" >"$OUT/$n.$phase.txt" 2>"$OUT/$n.$phase.log"
  cat "$OUT/$n.$phase.txt" >&2
}
v() { tr ' ' '\n' <"$OUT/$1.$2.txt" | awk -F= -v k="$3" '$1 == k {print $2; exit}'; }
per_job_ms() { echo "scale=3; 1000 * ($1) / $2" | bc; }

echo "machine: $(nproc) cores, load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| workers | drain claims/s | Postgres CPU ms/job | client CPU ms/job | claim+complete p50 / p99 ms | pickup p50 / p99 ms | end-to-end p50 / p95 / p99 ms | idle: Postgres CPU ms per empty poll |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in "${COUNTS[@]}"; do
  run drain "$n"; run latency "$n"; run idle "$n"
  jobs=$(v "$n" drain jobs)
  polls=$(echo "$n * $DURATION * 1000 / $POLL_MS" | bc)
  lat() { tr ' ' '\n' <"$OUT/$n.latency.txt" | grep "^$1=" | sed -n "${2}p" | cut -d= -f2; }
  echo "| $n | $(v "$n" drain claims_per_s) | $(per_job_ms "$(v "$n" drain pg_cpu_s)" "$jobs") |" \
       "$(per_job_ms "$(v "$n" drain client_cpu_s)" "$jobs") | $(v "$n" drain rtt_ms_p50) / $(v "$n" drain p99) |" \
       "$(lat pickup_ms_p50 1) / $(lat p99 1) | $(lat end_to_end_ms_p50 1) / $(lat p95 2) / $(lat p99 2) |" \
       "$(per_job_ms "$(v "$n" idle pg_cpu_s)" "$polls") |"
done
echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
