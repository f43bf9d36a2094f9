#!/usr/bin/env bash
# The mount's peak RSS stays near its blob cache under reads larger than the cache: a
# sequential read of a 128 MiB file, then 8 concurrent readers of 32 MiB files, through a
# mount with the default cache (64 MiB; it was 256 MiB, and the peak 345 MiB). Before the
# malloc arenas were bounded the peak was about cache + 130 MiB (each reading thread's
# arena kept freed blob buffers); the bound is cache + 100 MiB (the index, decoded trees,
# the binary, blobs being loaded).
source "$(dirname "$0")/lib.sh"
trap cleanup_mounts EXIT
CACHE_MIB=64  # the default --cache-size

S="$WORK/src"
mkdir -p "$S"
random_file "$S/big.bin" $((128 * 1024 * 1024)) 1
for i in $(seq 1 8); do random_file "$S/r$i.bin" $((32 * 1024 * 1024 + i)) $((10 + i)); done
step "init and back up 384 MiB"
arbor_init >/dev/null
"$ARBOR" backup -q "$S" >/dev/null

step "mount with the default cache and read it all"
M="$WORK/mnt"
mkdir -p "$M"
MOUNTS+=("$M")
"$ARBOR" mount "$M" 2>"$WORK/mount.log" &
PID=$!
PIDS+=("$PID")
wait_for_mount "$M" "$PID" "$WORK/mount.log"
R="$M/latest$S"
cmp "$S/big.bin" "$R/big.bin" || fail "the large file differs"
pids=()
for i in $(seq 1 8); do cmp "$S/r$i.bin" "$R/r$i.bin" & pids+=($!); done
for p in "${pids[@]}"; do wait "$p" || fail "a concurrent reader saw different bytes"; done
rss_mib=$(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$PID/status")
echo "mount peak RSS ${rss_mib} MiB with the default cache (${CACHE_MIB} MiB)"
((rss_mib < CACHE_MIB + 100)) || fail "peak RSS ${rss_mib} MiB is more than the cache + 100 MiB"
fusermount3 -u "$M"
wait "$PID" || fail "arbor mount exited $?"
echo "PASS"
