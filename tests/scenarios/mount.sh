#!/usr/bin/env bash
# arbor mount for real (FUSE, as root): the mounted snapshot is the source (content, types,
# modes, owners, ns mtimes, link counts, the same inode number for hard links, xattrs, ACLs);
# random reads at odd offsets in a large file; 8 concurrent readers; `latest` moves after a
# new backup without remounting; every write is EROFS; SIGINT, SIGTERM and fusermount3 -u
# unmount cleanly; bad mount points (missing, a file, not empty, busy, stale) are explained.
# Every mount is undone in the EXIT trap, even when a step fails.
source "$(dirname "$0")/lib.sh"
BIG_MIB=${ARBOR_MOUNT_BIG_MIB:-256}
trap cleanup_mounts EXIT

# mount_arbor MNT [options]: mounts in the background and waits until it is visible.
mount_arbor() {
  local mnt=$1; shift
  MOUNTS+=("$mnt")
  "$ARBOR" mount "$mnt" "$@" 2>>"$WORK/mount.log" &
  MOUNT_PID=$!
  PIDS+=("$MOUNT_PID")
  wait_for_mount "$mnt" "$MOUNT_PID" "$WORK/mount.log"
}

S="$WORK/src"
make_every_kind "$S"
mkdir -p "$S/dir/nested/deeper" "$S/sticky" "$S/readers"
random_file "$S/dir/medium.bin" $((3 * 1024 * 1024 + 17)) 1
python3 -c "import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])" "$S/socket"
chmod 1777 "$S/sticky"
chown 1234:5678 "$S/dir/medium.bin"
setfattr -n user.binary -v 0x00ff10 "$S/dir"
setfacl -m u:nobody:rw,g:adm:r "$S/dir/medium.bin"
setfacl -d -m u:nobody:rx "$S/dir/nested"
truncate -s 50M "$S/sparse"
printf 'middle' | dd of="$S/sparse" bs=1 seek=$((20 * 1024 * 1024 + 5)) conv=notrunc status=none
for i in $(seq 1 8); do random_file "$S/readers/r$i" $((6 * 1024 * 1024 + i)) $((100 + i)); done
random_file "$S/big.bin" $((BIG_MIB * 1024 * 1024 + 4321)) 9
touch -d '2020-01-01 00:00:00.5' "$S/dir"  # after its children changed it

step "init and back up"
arbor_init >/dev/null
"$ARBOR" backup -q "$S" --tag first >/dev/null

M="$WORK/mnt"
mkdir "$M"
step "mount; the layout"
mount_arbor "$M"
[[ -L "$M/latest" ]] || fail "latest is not a symlink"
snap=$(readlink "$M/latest")
[[ "$snap" == snapshots/*_* ]] || fail "latest points at $snap"
[[ "$(readlink "$M/by-tag/first/${snap#snapshots/}")" == "../../$snap" ]] || fail "by-tag/first lacks the snapshot"
R="$M/latest$S"

step "the mounted snapshot is the source: diff -r, stat, xattrs, ACLs"
same_tree "$S" "$R"
[[ "$(stat -c %i "$R/a.txt")" == "$(stat -c %i "$R/dir/hardlink")" ]] || fail "hard links have different inode numbers"
[[ "$(stat -c %i "$R/a.txt")" != "$(stat -c %i "$R/empty")" ]] || fail "different files share an inode number"
[[ "$(stat -c '%s %b' "$R/sparse" | cut -d' ' -f1)" == $((50 * 1024 * 1024)) ]] || fail "sparse file size"
cmp "$S/sparse" "$R/sparse" || fail "sparse file content differs"
# Each entry in name order. getfattr exits nonzero for entries without xattr support (the
# FIFO, the socket): the listings are compared, not its exit code.
each_entry() { find . -mindepth 1 "${@:2}" -print0 | sort -z | xargs -0 $1 2>/dev/null || true; }
(cd "$S" && each_entry "getfattr -h -d -m - -e hex") > "$WORK/xattr.src"
(cd "$R" && each_entry "getfattr -h -d -m - -e hex") > "$WORK/xattr.mnt"
grep -q 'user.color=0x626c7565' "$WORK/xattr.mnt" || { cat "$WORK/xattr.mnt" >&2; fail "xattr user.color not served"; }
diff "$WORK/xattr.src" "$WORK/xattr.mnt" >&2 || fail "xattrs differ (getfattr -d -m -)"
(cd "$S" && each_entry "getfacl -p" ! -type l) > "$WORK/acl.src"
(cd "$R" && each_entry "getfacl -p" ! -type l) > "$WORK/acl.mnt"
grep -q 'user:nobody:rw-' "$WORK/acl.mnt" || fail "ACL not served"
diff "$WORK/acl.src" "$WORK/acl.mnt" >&2 || fail "ACLs differ (getfacl)"

step "random reads at odd offsets and lengths in a ${BIG_MIB} MiB file"
python3 - "$S/big.bin" "$R/big.bin" <<'PY'
import os, random, sys
a, b = (os.open(p, os.O_RDONLY) for p in sys.argv[1:3])
size = os.fstat(a).st_size
assert os.fstat(b).st_size == size, "sizes differ"
r = random.Random(5)
for i in range(300):
    off = r.randrange(0, size + 10)
    n = r.choice([1, 3, 4095, 4097, 65537, 131071, 1 << 20, 3 * (1 << 20) + 7])
    if os.pread(a, n, off) != os.pread(b, n, off):
        sys.exit(f"read of {n} bytes at {off} differs")
PY
dd if="$R/big.bin" bs=1 skip=$((BIG_MIB * 1024 * 1024 - 5)) count=9 status=none | cmp - <(tail -c 4326 "$S/big.bin" | head -c 9) ||
  fail "dd at the end of the file differs"
start=$(date +%s.%N)
cmp "$S/big.bin" "$R/big.bin" || fail "sequential read of the large file differs"
secs=$(python3 -c "import sys; print(max(float(sys.argv[2]) - float(sys.argv[1]), 1e-3))" "$start" "$(date +%s.%N)")
echo "sequential read through the mount: $(python3 -c "print(round($BIG_MIB / $secs))") MiB/s (cmp, cold cache)"

step "8 concurrent readers of different files"
pids=()
for i in $(seq 1 8); do cmp "$S/readers/r$i" "$R/readers/r$i" & pids+=($!); done
for p in "${pids[@]}"; do wait "$p" || fail "a concurrent reader saw different bytes"; done

step "writes are refused with EROFS"
for cmd in "touch $R/a.txt" "touch $R/new" "mkdir $R/newdir" "rm $R/a.txt" "mv $R/a.txt $R/b.txt" \
           "chmod 600 $R/a.txt" "setfattr -n user.x -v 1 $R/a.txt" "ln $R/a.txt $R/l2" "truncate -s 0 $R/a.txt" \
           "mkdir $M/snapshots/x"; do
  set +e; out=$(bash -c "$cmd" 2>&1); rc=$?; set -e
  [[ $rc != 0 && "$out" == *"Read-only file system"* ]] || fail "'$cmd' was not refused with EROFS: rc=$rc $out"
done
set +e; out=$(bash -c "echo x >> '$R/a.txt'" 2>&1); set -e
[[ "$out" == *"Read-only file system"* ]] || fail "append was not refused with EROFS: $out"
cmp <(echo hello) "$R/a.txt" || fail "a refused write changed the file"

step "latest moves after a new backup, without remounting"
echo "new" > "$S/added-later"
"$ARBOR" backup -q "$S" >/dev/null
sleep 1.2
new=$(readlink "$M/latest")
[[ "$new" != "$snap" ]] || fail "latest did not move after a new backup"
[[ "$(cat "$M/latest$S/added-later")" == new ]] || fail "the new snapshot's file is not readable"
[[ $(ls "$M/snapshots" | wc -l) == 2 ]] || fail "snapshots/ does not list both snapshots"
[[ ! -e "$M/$snap$S/added-later" ]] || fail "the old snapshot changed"

step "bad mount points are explained"
expect_exit 1 "$ARBOR" mount "$WORK/no-such-dir"
expect_stderr "does not exist"
expect_exit 1 "$ARBOR" mount "$S/a.txt"
expect_stderr "not a directory"
expect_exit 1 "$ARBOR" mount "$S"
expect_stderr "not empty"
expect_exit 1 "$ARBOR" mount "$M"
expect_stderr "busy"

step "fusermount3 -u ends the mount and the process (exit 0)"
fusermount3 -u "$M"
wait "$MOUNT_PID" || fail "arbor mount exited $? after fusermount3 -u"
mountpoint -q "$M" && fail "still mounted"

for sig in INT TERM; do
  step "SIG$sig unmounts cleanly"
  mount_arbor "$M"
  kill -"$sig" "$MOUNT_PID"
  wait "$MOUNT_PID" || fail "arbor mount exited $? on SIG$sig"
  mountpoint -q "$M" && fail "still mounted after SIG$sig"
  [[ -z "$(ls -A "$M")" ]] || fail "the mount point is not empty after SIG$sig"
done

step "a stale mount (kill -9) is detected and explained"
mount_arbor "$M"
kill -9 "$MOUNT_PID"
wait "$MOUNT_PID" 2>/dev/null || true
expect_exit 1 "$ARBOR" mount "$M"
expect_stderr "stale FUSE mount"
expect_stderr "fusermount3 -u"
fusermount3 -u "$M"
mount_arbor "$M"
[[ -L "$M/latest" ]] || fail "mount after clearing the stale one does not work"
fusermount3 -u "$M"
wait "$MOUNT_PID" || fail "arbor mount exited $?"
echo "PASS"
