#!/usr/bin/env bash
# First backup of a fresh share of small files over a link with LATENCY ms per request:
# files/s, arbor's CPU (/usr/bin/time) and the emulator's (/proc/PID/stat) over the same
# interval, and the requests the emulator served by operation.
#
#   bench/azure/first_backup.sh [DIRS] [FILES_PER_DIR] [-- ARBOR_GLOBAL_ARGS...]   default 200 50
# Environment: BUILD (default build), LATENCY (default 20), NO_BUILD=1 (use the binaries in BUILD as they are).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/bench/azure/lib_emulator.sh"
BUILD=${BUILD:-$ROOT/build}
DIRS=${1:-200}
FILES=${2:-50}
shift $(($# < 2 ? $# : 2))
[ "${1:-}" = "--" ] && shift
LATENCY=${LATENCY:-20}
[ -n "${NO_BUILD:-}" ] || ninja -C "$BUILD" arbor arbor-azfiles-emulator > /dev/null
ARBOR=$BUILD/src/cli/arbor
EMU=$BUILD/tools/azfiles_emulator/arbor-azfiles-emulator
WORK=$(mktemp -d /tmp/arbor-azure-first.XXXXXX)
EMU_PID=
trap 'stop_emulator; rm -rf "$WORK"' EXIT
"$EMU" --data "$WORK/emu" --populate "s:$DIRS:$FILES" > /dev/null
start_emulator "$EMU" "$WORK"
export AZURE_STORAGE_ACCOUNT=devstoreaccount1 ARBOR_PASSWORD=${ARBOR_PASSWORD:-bench} ARBOR_REPO=$WORK/repo
export AZURE_STORAGE_KEY="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
"$ARBOR" init > /dev/null
curl -sf -X PUT --data '' "$BASE/__emulator/faults?latency_ms=$LATENCY" > /dev/null
curl -sf -X PUT --data '' "$BASE/__emulator/stats/reset" > /dev/null
emu_cpu() { awk '{print $14 + $15}' "/proc/$EMU_PID/stat"; }
echo "load: $(uptime)"
e0=$(emu_cpu)
t0=$(date +%s.%N)
/usr/bin/time -f "arbor: %U s user, %S s sys, peak RSS %M KiB" -o "$WORK/time.txt" \
  "$ARBOR" --json -q "$@" backup azfiles://devstoreaccount1/s --endpoint "$ENDPOINT" > "$WORK/out.json"
t1=$(date +%s.%N)
e1=$(emu_cpu)
cat "$WORK/time.txt"
python3 - "$t0" "$t1" "$e0" "$e1" "$WORK/out.json" "$(getconf CLK_TCK)" << 'PY'
import json, sys
t0, t1, e0, e1 = map(float, sys.argv[1:5])
d = json.loads(open(sys.argv[5]).read().strip().splitlines()[-1])
w, tck = t1 - t0, float(sys.argv[6])
print(f"{d['files_total']} files ({d['files_read']} read) in {w:.2f} s: {d['files_total'] / w:.0f} files/s; "
      f"emulator CPU {(e1 - e0) / tck:.2f} s")
PY
curl -sf "$BASE/__emulator/stats" |
  python3 -c "import json, sys; d = json.load(sys.stdin); print('requests', d['requests'], d['requests_by_operation'])"
