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
#                      [--data DIR] [--list-only]   (defaults 10000, 512, all three)
#
# --data DIR takes the small files from DIR instead of generating N of them (e.g. the
# 1M-file set of bench/crypto); --mib 0 makes no large file; --list-only measures `ls -lR`
# and the peak RSS only. A --work DIR is kept, and repositories already in it (arbor/,
# restic/, borg/) are used as they are, so a 1M-file backup is made once.
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
SMALL=""
LIST_ONLY=0
KEEP=0
while (($#)); do
  case $1 in
    --files) FILES=$2; shift 2 ;;
    --mib) MIB=$2; shift 2 ;;
    --work) WORK=$2; KEEP=1; shift 2 ;;
    --data) SMALL=$(cd "$2" && pwd); shift 2 ;;
    --list-only) LIST_ONLY=1; shift ;;
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
  ((KEEP)) || rm -rf "$WORK"
}
trap cleanup EXIT
export ARBOR_PASSWORD=bench RESTIC_PASSWORD=bench BORG_PASSPHRASE=bench ARBOR_STATE_DIR="$WORK/state"
mkdir -p "$WORK/data" "$MNT"
DATA="$WORK/data"
LARGE="$DATA/large.bin"
if [[ -n "$SMALL" ]]; then
  FILES=$(find "$SMALL" -type f | wc -l)
else
  SMALL="$DATA/small"
fi
PATHS=("$SMALL")
((MIB > 0)) && PATHS+=("$LARGE")

[[ -e "$LARGE" && $(stat -c %s "$LARGE") == $((MIB << 20)) ]] ||
python3 - "$DATA" "$FILES" "$MIB" "$SMALL" <<'PY'
import os, random, sys
d, n, mib, small = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
r = random.Random(1)
for i in range(n if small == os.path.join(d, "small") else 0):
    sub = os.path.join(d, "small", f"{i // 1000:03d}")
    os.makedirs(sub, exist_ok=True)
    with open(os.path.join(sub, f"f{i:07d}"), "wb") as f:
        f.write(r.randbytes(r.randrange(100, 8000)))
if mib:
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
  if ((LIST_ONLY)); then
    printf '%-14s ls -lR %6ss (%s files)   peak RSS %4s MiB   load %s\n' "$tool mount" "$(secs "$t0" "$t1")" "$FILES" \
      "$(rss_mib VmHWM)" "$(cut -d' ' -f1-3 /proc/loadavg)"
    return
  fi
  cat "$dir$LARGE" >/dev/null; t2=$(now); steps+=" large $(rss_mib VmHWM)"
  random_reads "$LARGE" "$dir$LARGE"; t2r=$(now); steps+=" random $(rss_mib VmHWM)"
  find "$dir$SMALL" -type f -print0 | xargs -0 cat >/dev/null; t3=$(now)
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
if [[ ! -e "$WORK/arbor" ]]; then
  "$ARBOR" -r "$WORK/arbor" init --kdf-memory 1 --kdf-iterations 1 >/dev/null
  "$ARBOR" -r "$WORK/arbor" backup -q "${PATHS[@]}" >/dev/null
fi
if tool restic && [[ ! -e "$WORK/restic" ]]; then
  restic -r "$WORK/restic" init -q >/dev/null
  restic -r "$WORK/restic" backup -q "${PATHS[@]}" >/dev/null
fi
sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true

"$ARBOR" -r "$WORK/arbor" mount "$MNT" -q --stats 2>"$WORK/arbor-mount.log" & PID=$!
wait_mounted "$MNT/latest"
measure arbor "$MNT/latest/"
fusermount3 -u "$MNT"; wait "$PID"; PID=""
grep -E 'requests:|entries:|heap at' "$WORK/arbor-mount.log" | sed 's/^/               /'

if tool restic; then
  restic -r "$WORK/restic" mount "$MNT" >/dev/null 2>&1 & PID=$!
  wait_mounted "$MNT/snapshots/latest"
  measure restic "$MNT/snapshots/latest/"
  fusermount3 -u "$MNT"; wait "$PID" || true; PID=""
fi

if tool borg && command -v borg >/dev/null; then
  if [[ ! -e "$WORK/borg" ]]; then
    borg init -e repokey "$WORK/borg" >/dev/null 2>&1
    borg create "$WORK/borg::bench" "${PATHS[@]}" >/dev/null 2>&1
  fi
  sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
  borg mount -f "$WORK/borg::bench" "$MNT" >/dev/null 2>&1 & PID=$!
  wait_mounted "$MNT$SMALL"
  measure borg "$MNT/"
  fusermount3 -u "$MNT"; wait "$PID" || true; PID=""
fi

((LIST_ONLY)) && exit 0
t0=$(now)
/usr/bin/time -f '%M' -o "$WORK/rss" "$ARBOR" -r "$WORK/arbor" restore latest --target "$WORK/out" -q >/dev/null
t1=$(now)
printf '%-14s %6ss for everything (%s MiB + %s files)   peak RSS %4s MiB\n' "arbor restore" "$(secs "$t0" "$t1")" \
  "$MIB" "$FILES" "$(( $(cat "$WORK/rss") / 1024 ))"
