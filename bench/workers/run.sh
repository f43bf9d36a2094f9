#!/usr/bin/env bash
# One share backed up by 1, 2 and 4 `arbor worker` processes: a scan job splits it into
# units, the workers back up the units in parallel, an assemble job joins them into one
# snapshot. Reports the wall time of each first backup (submit to `job wait` returning)
# and the scaling factor against one worker, with a plain `arbor backup` of the same tree
# for reference. Catalog: a PostgreSQL 15 started here; repository: local, one per run.
#
#   bench/workers/run.sh [--files N] [--threads T] [--max-files M] [WORKERS...]
#     --files      files in the share (default 1,000,000; generated once, reproducible)
#     --threads    engine threads per worker (default 0: the worker's default)
#     --max-files  entries per backup unit (default 50,000: 20 units for 1M files)
#     WORKERS      worker counts (default 1 2 4)
#   DATA (default /tmp/arbor-bench-1m/data/small for 1M files) reuses a tree made by
#   bench/peers/make_datasets.py; OUT (default /tmp/arbor-workers-bench) keeps the logs.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/bench/lib_postgres.sh"
BUILD=${BUILD:-$ROOT/build}
OUT=${OUT:-/tmp/arbor-workers-bench}
FILES=1000000
THREADS=0
MAX_FILES=50000
COUNTS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --files) FILES=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --max-files) MAX_FILES=$2; shift 2 ;;
    *) COUNTS+=("$1"); shift ;;
  esac
done
[ ${#COUNTS[@]} -gt 0 ] || COUNTS=(1 2 4)
DATA=${DATA:-/tmp/arbor-bench-$FILES/data/small}
[ "$FILES" != 1000000 ] || DATA=${DATA/arbor-bench-1000000/arbor-bench-1m}  # bench/peers/run.sh names it so

[ -x "$BUILD/src/cli/arbor" ] || "$ROOT/scripts/build.sh" >/dev/null
ARBOR="$BUILD/src/cli/arbor"
if [ ! -f "$DATA.done" ]; then
  echo "generating $FILES files in $DATA" >&2
  python3 "$ROOT/bench/peers/make_datasets.py" small "$DATA" --count "$FILES"
  touch "$DATA.done"
fi
mkdir -p "$OUT"
WORK=$(mktemp -d /tmp/arbor-workers-bench-work.XXXXXX)
PGPID=
WORKERS=()
cleanup() {
  for p in "${WORKERS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  stop_postgres
  rm -rf "$WORK"
}
trap cleanup EXIT

start_postgres "$WORK"

drop_caches() { sync; echo 3 >/proc/sys/vm/drop_caches 2>/dev/null || true; }
now() { date +%s.%N; }
secs() { echo "scale=1; ($2 - $1) / 1" | bc; }

# run_workers N: a fresh catalog database and repository, N workers, one scan; prints seconds.
run_workers() {
  local n=$1 db=workers_$1
  psql -q -h 127.0.0.1 -p "$PORT" -U postgres -c "CREATE DATABASE $db"
  export ARBOR_CATALOG="postgres://postgres@127.0.0.1:$PORT/$db"
  "$ARBOR" tenant add bench >/dev/null
  "$ARBOR" -r "$WORK/repo-$n" share add big --tenant bench --path "$DATA" >/dev/null
  WORKERS=()
  local i
  for i in $(seq 1 "$n"); do
    "$ARBOR" --threads "$THREADS" worker --id "w$i" >"$OUT/worker-$n-$i.log" 2>&1 &
    WORKERS+=($!)
  done
  drop_caches
  local t0 t1 job
  t0=$(now)
  job=$("$ARBOR" job submit scan --share big --max-files "$MAX_FILES")
  "$ARBOR" job wait "$job" --timeout 4h >/dev/null
  t1=$(now)
  "$ARBOR" job list --all --json --limit 10000 >"$OUT/jobs-$n.json"
  for p in "${WORKERS[@]}"; do kill -TERM "$p"; wait "$p" || true; done
  WORKERS=()
  rm -rf "$WORK/repo-$n"
  secs "$t0" "$t1"
}

echo "machine: $(nproc) cores, load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "share: $FILES files in $DATA; units of $MAX_FILES entries; engine threads per worker: $THREADS (0: default)"
drop_caches
t0=$(now)
"$ARBOR" -r "$WORK/plain-repo" init >/dev/null
"$ARBOR" -r "$WORK/plain-repo" --threads "$THREADS" backup "$DATA" -q >"$OUT/plain.log" 2>&1
t1=$(now)
PLAIN=$(secs "$t0" "$t1")
rm -rf "$WORK/plain-repo"
echo
echo "| workers | wall s | files/s | speed-up vs 1 worker | vs plain \`arbor backup\` ($PLAIN s) |"
echo "|---:|---:|---:|---:|---:|"
BASE=
for n in "${COUNTS[@]}"; do
  s=$(run_workers "$n")
  [ -n "$BASE" ] || BASE=$s
  echo "| $n | $s | $(echo "$FILES / $s" | bc) | $(echo "scale=2; $BASE / $s" | bc)x | $(echo "scale=2; $PLAIN / $s" | bc)x |"
done
