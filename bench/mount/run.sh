#!/usr/bin/env bash
# Reading backups through a FUSE mount: arbor mount vs restic mount (and arbor restore of the
# same data for reference), on one dataset: N small files and one large file.
#   - ls -lR of the whole snapshot through a fresh mount (time)
#   - sequential read of the large file (MiB/s, fresh mount: nothing cached)
#   - reading every small file (files/s, fresh mount)
#   - the mount process's peak RSS after all of it
#
#   bench/mount/run.sh [--files N] [--mib M] [--work DIR]     (defaults 10000, 512)
#
# restic comes from Debian (ARBOR_BENCH_DEPS=1 scripts/install-deps.sh). One run, on a
# shared machine: numbers are indicative, not a statistic.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ARBOR=${ARBOR:-$ROOT/build/src/cli/arbor}
FILES=10000
MIB=512
WORK=""
while (($#)); do
  case $1 in
    --files) FILES=$2; shift 2 ;;
    --mib) MIB=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
command -v restic >/dev/null || { echo "restic is not installed (ARBOR_BENCH_DEPS=1 scripts/install-deps.sh)" >&2; exit 1; }
[[ -n "$WORK" ]] || WORK=$(mktemp -d "${TMPDIR:-/tmp}/arbor-bench-mount-XXXXXX")
MNT="$WORK/mnt"
PID=""
cleanup() {
  fusermount3 -u "$MNT" 2>/dev/null || true
  [[ -n "$PID" ]] && kill "$PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
export ARBOR_PASSWORD=bench RESTIC_PASSWORD=bench ARBOR_STATE_DIR="$WORK/state"
mkdir -p "$WORK/data/small" "$MNT"
DATA="$WORK/data"

python3 - "$DATA" "$FILES" "$MIB" <<'PY'
import os, random, sys
d, n, mib = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
r = random.Random(1)
for i in range(n):
    sub = os.path.join(d, "small", f"{i // 1000:03d}")
    os.makedirs(sub, exist_ok=True)
    with open(os.path.join(sub, f"f{i:07d}"), "wb") as f:
        f.write(r.randbytes(r.randrange(100, 8000)))
with open(os.path.join(d, "large.bin"), "wb") as f:
    for _ in range(mib):
        f.write(r.randbytes(1 << 20))
PY

now() { date +%s.%N; }
secs() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$2"; }
rate() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.0f}')" "$1" "$2"; }

# measure TOOL SNAPSHOT_DIR: the three reads through the mount at $MNT served by $PID.
measure() {
  local tool=$1 dir=$2 t0 t1 t2 t3
  t0=$(now); ls -lR "$dir" >/dev/null; t1=$(now)
  cat "$dir$DATA/large.bin" >/dev/null; t2=$(now)
  find "$dir$DATA/small" -type f -print0 | xargs -0 cat >/dev/null; t3=$(now)
  local rss; rss=$(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$PID/status")
  printf '%-14s ls -lR %6ss   large file %5s MiB/s   small files %6s files/s   peak RSS %4s MiB\n' "$tool mount" \
    "$(secs "$t0" "$t1")" "$(rate "$MIB" "$(secs "$t1" "$t2")")" "$(rate "$FILES" "$(secs "$t2" "$t3")")" "$rss"
}
wait_mounted() { for _ in $(seq 300); do [[ -e "$1" ]] && return 0; sleep 0.1; done; echo "mount did not appear" >&2; exit 1; }

echo "== $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg);" \
  "$FILES small files + one $MIB MiB file; $(restic version | cut -d' ' -f1-2)"

"$ARBOR" -r "$WORK/arbor" init --kdf-memory 1 --kdf-iterations 1 >/dev/null
"$ARBOR" -r "$WORK/arbor" backup -q "$DATA" >/dev/null
restic -r "$WORK/restic" init -q >/dev/null
restic -r "$WORK/restic" backup -q "$DATA" >/dev/null
sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true

"$ARBOR" -r "$WORK/arbor" mount "$MNT" -q & PID=$!
wait_mounted "$MNT/latest"
measure arbor "$MNT/latest/"
fusermount3 -u "$MNT"; wait "$PID"; PID=""

restic -r "$WORK/restic" mount "$MNT" >/dev/null 2>&1 & PID=$!
wait_mounted "$MNT/snapshots/latest"
measure restic "$MNT/snapshots/latest/"
fusermount3 -u "$MNT"; wait "$PID" || true; PID=""

t0=$(now)
/usr/bin/time -f '%M' -o "$WORK/rss" "$ARBOR" -r "$WORK/arbor" restore latest --target "$WORK/out" -q >/dev/null
t1=$(now)
printf '%-14s %6ss for everything (%s MiB + %s files)   peak RSS %4s MiB\n' "arbor restore" "$(secs "$t0" "$t1")" \
  "$MIB" "$FILES" "$(( $(cat "$WORK/rss") / 1024 ))"
