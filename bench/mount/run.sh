#!/usr/bin/env bash
# Reading backups through a FUSE mount: arbor mount vs restic mount and borg mount (and arbor
# restore of the same data for reference), on one dataset: N small files and one large file.
#   - ls -lR of the whole snapshot through a fresh mount (time)
#   - sequential read of the large file (MiB/s, fresh mount: nothing cached)
#   - 200 random reads at odd offsets and lengths (up to 3 MiB) in the large file, each
#     compared with the source (reads/s; with --mib 2048 or more: multi-GiB random access)
#   - reading every small file (files/s, fresh mount)
#   - the mount process's peak RSS after all of it
#
#   bench/mount/run.sh [--files N] [--mib M] [--work DIR] [--tools "arbor restic borg"]
#                                                   (defaults 10000, 512, all three)
#
# restic and borg (with python3-pyfuse3 for borg mount) come from Debian
# (ARBOR_BENCH_DEPS=1 scripts/install-deps.sh); borg is skipped when absent. One run, on a
# shared machine: numbers are indicative, not a statistic.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ARBOR=${ARBOR:-$ROOT/build/src/cli/arbor}
FILES=10000
MIB=512
WORK=""
TOOLS="arbor restic borg"
while (($#)); do
  case $1 in
    --files) FILES=$2; shift 2 ;;
    --mib) MIB=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --tools) TOOLS=$2; shift 2 ;;
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
export ARBOR_PASSWORD=bench RESTIC_PASSWORD=bench BORG_PASSPHRASE=bench ARBOR_STATE_DIR="$WORK/state"
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
  local steps=""
  t0=$(now); ls -lR "$dir" >/dev/null; t1=$(now); steps+=" ls $(rss_mib VmHWM)"
  cat "$dir$DATA/large.bin" >/dev/null; t2=$(now); steps+=" large $(rss_mib VmHWM)"
  random_reads "$DATA/large.bin" "$dir$DATA/large.bin"; t2r=$(now); steps+=" random $(rss_mib VmHWM)"
  find "$dir$DATA/small" -type f -print0 | xargs -0 cat >/dev/null; t3=$(now)
  local rss; rss=$(rss_mib VmHWM)
  printf '%-14s ls -lR %6ss   large file %5s MiB/s   random %5s reads/s   small files %6s files/s   peak RSS %4s MiB\n' \
    "$tool mount" "$(secs "$t0" "$t1")" "$(rate "$MIB" "$(secs "$t1" "$t2")")" "$(rate 200 "$(secs "$t2" "$t2r")")" \
    "$(rate "$FILES" "$(secs "$t2r" "$t3")")" "$rss"
  echo "               peak RSS (MiB) after each step:$steps small $rss; RSS now $(rss_mib VmRSS)"
}
# rss_mib FIELD: VmHWM (peak) or VmRSS (now) of the mount process, in MiB.
rss_mib() { awk -v f="$1:" '$1 == f {print int($2 / 1024)}' "/proc/$PID/status"; }
# 200 reads at random odd offsets and lengths, each compared with the source file.
random_reads() {
  python3 - "$1" "$2" <<'PY'
import os, random, sys
a, b = (os.open(p, os.O_RDONLY) for p in sys.argv[1:3])
size = os.fstat(a).st_size
r = random.Random(7)
for _ in range(200):
    off, n = r.randrange(0, size), r.choice([1, 4097, 131071, 1 << 20, 3 * (1 << 20) + 7])
    if os.pread(a, n, off) != os.pread(b, n, off):
        sys.exit(f"read of {n} bytes at {off} differs")
PY
}
wait_mounted() { for _ in $(seq 300); do [[ -e "$1" ]] && return 0; sleep 0.1; done; echo "mount did not appear" >&2; exit 1; }

echo "== $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg);" \
  "$FILES small files + one $MIB MiB file; $(restic version | cut -d' ' -f1-2); $(borg --version 2>/dev/null || echo 'no borg')"

tool() { [[ " $TOOLS " == *" $1 "* ]]; }
"$ARBOR" -r "$WORK/arbor" init --kdf-memory 1 --kdf-iterations 1 >/dev/null
"$ARBOR" -r "$WORK/arbor" backup -q "$DATA" >/dev/null
if tool restic; then
  restic -r "$WORK/restic" init -q >/dev/null
  restic -r "$WORK/restic" backup -q "$DATA" >/dev/null
fi
sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true

"$ARBOR" -r "$WORK/arbor" mount "$MNT" -q --stats 2>"$WORK/arbor-mount.log" & PID=$!
wait_mounted "$MNT/latest"
measure arbor "$MNT/latest/"
fusermount3 -u "$MNT"; wait "$PID"; PID=""
grep -E 'requests:|heap at' "$WORK/arbor-mount.log" | sed 's/^/               /'

if tool restic; then
  restic -r "$WORK/restic" mount "$MNT" >/dev/null 2>&1 & PID=$!
  wait_mounted "$MNT/snapshots/latest"
  measure restic "$MNT/snapshots/latest/"
  fusermount3 -u "$MNT"; wait "$PID" || true; PID=""
fi

if tool borg && command -v borg >/dev/null; then
  borg init -e repokey "$WORK/borg" >/dev/null 2>&1
  borg create "$WORK/borg::bench" "$DATA" >/dev/null 2>&1
  sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
  borg mount -f "$WORK/borg::bench" "$MNT" >/dev/null 2>&1 & PID=$!
  wait_mounted "$MNT$DATA"
  measure borg "$MNT/"
  fusermount3 -u "$MNT"; wait "$PID" || true; PID=""
fi

t0=$(now)
/usr/bin/time -f '%M' -o "$WORK/rss" "$ARBOR" -r "$WORK/arbor" restore latest --target "$WORK/out" -q >/dev/null
t1=$(now)
printf '%-14s %6ss for everything (%s MiB + %s files)   peak RSS %4s MiB\n' "arbor restore" "$(secs "$t0" "$t1")" \
  "$MIB" "$FILES" "$(( $(cat "$WORK/rss") / 1024 ))"
