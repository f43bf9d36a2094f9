#!/usr/bin/env bash
# Azure Files backup benchmark: `arbor backup` of an emulated share over a link with
# LATENCY ms per request (default 20), in entries (files + directories) per second.
#
#   bench/azure/run.sh [DIRS] [FILES_PER_DIR]        default 20000 50: 1,020,000 entries
#
# Steps, each timed:
#   1. seed the share straight into the emulator's database (--populate);
#   2. first backup without added latency (it must read every file once: one GET each);
#   3. the measured run: an unchanged re-backup at LATENCY ms per request, which lists
#      every directory (and fetches its properties) and reads no file: the scan rate;
#   4. a first backup of a FIRST_DIRS-directory slice at LATENCY ms, to show what a full
#      read costs per file over the same link.
# Environment: BUILD (build dir, default build-azint), LATENCY, FIRST_DIRS (default 200),
# THREADS (arbor --threads, default: arbor's 32 for Azure), OUT (default /tmp/arbor-azure-bench).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/bench/azure/lib_emulator.sh"
BUILD=${BUILD:-$ROOT/build-azint}
DIRS=${1:-20000}
FILES=${2:-50}
LATENCY=${LATENCY:-20}
FIRST_DIRS=${FIRST_DIRS:-200}
OUT=${OUT:-/tmp/arbor-azure-bench}
THREAD_ARGS=()
[ -n "${THREADS:-}" ] && THREAD_ARGS=(--threads "$THREADS")

if [ ! -f "$BUILD/build.ninja" ]; then
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DARBOR_WERROR=ON \
    "-DARBOR_SKIP_SUBSYSTEMS=catalog;jobs;index;deploy;job_handlers" > /dev/null
fi
ninja -C "$BUILD" arbor arbor-azfiles-emulator > /dev/null
ARBOR=$BUILD/src/cli/arbor
EMU=$BUILD/tools/azfiles_emulator/arbor-azfiles-emulator
mkdir -p "$OUT"
WORK=$(mktemp -d /tmp/arbor-azure-bench.XXXXXX)
EMU_PID=
cleanup() {
  stop_emulator
  rm -rf "$WORK"
}
trap cleanup EXIT

now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2 - $1:.2f}')"; }
field() { tail -n 1 "$1" | python3 -c "import json,sys; print(json.load(sys.stdin)['$2'])"; }

t0=$(now)
"$EMU" --data "$WORK/emu" --populate "bench:$DIRS:$FILES" > /dev/null
"$EMU" --data "$WORK/emu" --populate "slice:$FIRST_DIRS:$FILES" > /dev/null
t1=$(now)
ENTRIES=$((DIRS * (FILES + 1)))
echo "seeded $ENTRIES entries ($DIRS directories x $FILES files) in $(secs "$t0" "$t1") s"

start_emulator "$EMU" "$WORK"
export AZURE_STORAGE_ACCOUNT=devstoreaccount1 ARBOR_PASSWORD=${ARBOR_PASSWORD:-bench}
export AZURE_STORAGE_KEY="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
export ARBOR_REPO=$WORK/repo
"$ARBOR" init > /dev/null

backup() {  # backup NAME URL: one timed `arbor backup`, JSON summary kept in $OUT/NAME.json
  local name=$1 url=$2 start end
  start=$(now)
  /usr/bin/time -f "%M" -o "$WORK/$name.rss" "$ARBOR" --json -q "${THREAD_ARGS[@]}" backup "$url" \
    --endpoint "$ENDPOINT" > "$OUT/$name.json"
  end=$(now)
  local files dirs s
  files=$(field "$OUT/$name.json" files_total)
  dirs=$(field "$OUT/$name.json" dirs_total)
  s=$(secs "$start" "$end")
  printf "%-34s %9d entries %8.2f s %9.0f entries/s  %6d files read  peak RSS %d MiB\n" "$name" \
    $((files + dirs)) "$s" "$(python3 -c "print(($files + $dirs) / $s)")" "$(field "$OUT/$name.json" files_read)" \
    $(($(cat "$WORK/$name.rss") / 1024))
}

echo "latency 0 ms:"
backup "first backup (no latency)" "azfiles://devstoreaccount1/bench"
curl -sf -X PUT --data '' "$BASE/__emulator/faults?latency_ms=$LATENCY" > /dev/null
curl -sf -X PUT --data '' "$BASE/__emulator/stats/reset" > /dev/null
echo "latency $LATENCY ms per request:"
backup "unchanged re-backup (scan)" "azfiles://devstoreaccount1/bench"
curl -sf "$BASE/__emulator/stats" > "$OUT/scan-stats.json"
echo "  requests during the scan: $(python3 -c "import json; d=json.load(open('$OUT/scan-stats.json')); print(d['requests'], d['requests_by_operation'])")"
backup "first backup of a slice" "azfiles://devstoreaccount1/slice"
