#!/usr/bin/env bash
# Index benchmark: synthetic trees of the given sizes (default 1M and 10M files), each
# measured in RAM, in SQLite and in a throwaway PostgreSQL 15 started here; prints one
# markdown table with a column per size (the raw "key value" output of each run is kept
# in $OUT, default /tmp/arbor-index-bench).
#
#   bench/index/run.sh [--no-pg] [--random-ids] [--cold-dir=DIR] [FILES...]
#   e.g. bench/index/run.sh 1000000 10000000 100000000
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/bench/lib_postgres.sh"
BUILD=${BUILD:-$ROOT/build-index}
OUT=${OUT:-/tmp/arbor-index-bench}
PG=1
EXTRA=()
SIZES=()
for a in "$@"; do
  case "$a" in
    --no-pg) PG=0 ;;
    --random-ids) EXTRA+=(--random-ids) ;;
    --cold-dir=*) EXTRA+=("$a") ;;  # stamps and hashes in a cold column file there
    *) SIZES+=("$a") ;;
  esac
done
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000000 10000000)

cmake -S "$ROOT" -B "$BUILD" -G Ninja -DARBOR_WERROR=ON >/dev/null
ninja -C "$BUILD" index_bench >/dev/null
mkdir -p "$OUT"
WORK=$(mktemp -d /tmp/arbor-index-bench-work.XXXXXX)
PGPID=
cleanup() {
  stop_postgres
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ "$PG" = 1 ]; then
  start_postgres "$WORK" -c fsync=off -c synchronous_commit=off -c shared_buffers=512MB -c max_wal_size=16GB
fi

for n in "${SIZES[@]}"; do
  args=(--files="$n" --sqlite="$WORK/index-$n.db" "${EXTRA[@]}")
  if [ "$PG" = 1 ]; then
    psql -q -h 127.0.0.1 -p "$PORT" -U postgres -c "CREATE DATABASE bench_$n"
    args+=(--pg="host=127.0.0.1 port=$PORT user=postgres dbname=bench_$n")
  fi
  echo "== $n files: $BUILD/bench/index/index_bench ${args[*]}" >&2
  "$BUILD/bench/index/index_bench" "${args[@]}" | tee "$OUT/$n.txt" >&2
  rm -f "$WORK/index-$n.db"*
  if [ "$PG" = 1 ]; then psql -q -h 127.0.0.1 -p "$PORT" -U postgres -c "DROP DATABASE bench_$n"; fi
done

# One row per key, one column per size.
printf '| metric |'; for n in "${SIZES[@]}"; do printf ' %s |' "$n"; done; echo
printf '|---|'; for _ in "${SIZES[@]}"; do printf -- '---:|'; done; echo
awk '{print $1}' "$OUT/${SIZES[0]}.txt" | while read -r key; do
  printf '| %s |' "$key"
  for n in "${SIZES[@]}"; do
    printf ' %s |' "$(awk -v k="$key" '$1 == k {print $2}' "$OUT/$n.txt")"
  done
  echo
done
