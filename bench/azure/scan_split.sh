#!/usr/bin/env bash
# An Azure Files share backed up by a worker as one job, then re-scanned as a split job
# tree (scan, parts, assemble), over a link with LATENCY ms per request (default 20).
# Prints the scan's listing time and every part's time, against the whole-share job.
# The catalog is an SQLite file; the jobs run in-process (`job submit --run`).
#
#   bench/azure/scan_split.sh [DIRS] [FILES_PER_DIR] [MAX_FILES]   default 2000 50 10000
# Environment: BUILD (default build), LATENCY, OUT (default /tmp/arbor-azure-scan-bench).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/bench/azure/lib_emulator.sh"
BUILD=${BUILD:-$ROOT/build}
DIRS=${1:-2000}
FILES=${2:-50}
MAX_FILES=${3:-10000}
LATENCY=${LATENCY:-20}
OUT=${OUT:-/tmp/arbor-azure-scan-bench}
[ -x "$BUILD/src/cli/arbor" ] || "$ROOT/scripts/build.sh" > /dev/null
ARBOR=$BUILD/src/cli/arbor
EMU=$BUILD/tools/azfiles_emulator/arbor-azfiles-emulator
mkdir -p "$OUT"
WORK=$(mktemp -d /tmp/arbor-azure-scan-bench.XXXXXX)
EMU_PID=
cleanup() {
  stop_emulator
  rm -rf "$WORK"
}
trap cleanup EXIT

"$EMU" --data "$WORK/emu" --populate "bench:$DIRS:$FILES" > /dev/null
start_emulator "$EMU" "$WORK"
export ARBOR_CATALOG="$WORK/catalog.db" ARBOR_PASSWORD=${ARBOR_PASSWORD:-bench}
export ARBOR_BENCH_AZ_KEY="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
"$ARBOR" tenant add bench > /dev/null
"$ARBOR" -r "$WORK/repo" share add big --tenant bench --azure azfiles://devstoreaccount1/bench \
  --endpoint "$ENDPOINT" --credential-env ARBOR_BENCH_AZ_KEY > /dev/null

echo "share: $((DIRS * (FILES + 1))) entries ($DIRS directories x $FILES files); units of $MAX_FILES entries"
"$ARBOR" job submit backup --share big --run > /dev/null  # the first backup, no latency
curl -sf -X PUT --data '' "$BASE/__emulator/faults?latency_ms=$LATENCY" > /dev/null
echo "unchanged re-backups at $LATENCY ms per request:"
"$ARBOR" job submit backup --share big --run > /dev/null
"$ARBOR" job submit scan --share big --max-files "$MAX_FILES" --run > /dev/null
"$ARBOR" job list --all --json --limit 10000 > "$OUT/jobs.json"
python3 - "$OUT/jobs.json" << 'PY'
import json, sys
jobs = sorted(json.load(open(sys.argv[1])), key=lambda j: j["id"])
secs = lambda j: (j["finished_ms"] - j["started_ms"]) / 1000
whole = [j for j in jobs if j["type"] == "backup" and not j["parent_id"]][-1]
scan = [j for j in jobs if j["type"] == "scan"][-1]
parts = [j for j in jobs if j["parent_id"] == scan["id"] and j["type"] == "backup"]
assemble = [j for j in jobs if j["parent_id"] == scan["id"] and j["type"] == "assemble"][0]
print(f"  whole-share backup job: {secs(whole):.2f} s")
print(f"  scan (listing, {len(parts)} parts enqueued): {secs(scan):.2f} s")
print(f"  parts: {sum(map(secs, parts)):.2f} s in all, {max(map(secs, parts)):.2f} s the longest")
print(f"  assemble: {secs(assemble):.2f} s")
PY
