#!/usr/bin/env bash
# Moves and renames on a POSIX tree: a directory of many files moved elsewhere, and
# files renamed in place or moved alone to another directory, are matched with the
# parent snapshot by inode (and birth time, size and mtime), so the next backup reads
# no content; the restored tree is the same. A file that is new but got a deleted
# file's inode (on a loop-mounted ext4: needs root) is still read.
#
# MOVE_FILES sets the size of the moved directory: 10,000 here (CI);
# bench/moves/run.sh runs this script with 100,000.
source "$(dirname "$0")/lib.sh"
S="$WORK/src"
MOVE_FILES=${MOVE_FILES:-10000}
RENAMED=1000

step "a tree: $MOVE_FILES files in a/deep, $RENAMED files in c"
python3 - "$S" "$MOVE_FILES" "$RENAMED" <<'PY'
import os, sys
root, moved, renamed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for d in ("a/deep/inner", "b", "c"):
    os.makedirs(os.path.join(root, d))
def write(path, i):
    with open(path, "wb") as f:
        f.write(f"file {path} number {i}\n".encode() * (1 + i % 7))
for i in range(moved):
    write(os.path.join(root, "a/deep" if i % 10 else "a/deep/inner", f"f{i:06d}.txt"), i)
for i in range(renamed):
    write(os.path.join(root, "c", f"r{i:04d}.dat"), i)
PY
arbor_init >/dev/null
out=$(arbor_json backup "$S")
[[ $(json_field "$out" files_read) == $((MOVE_FILES + RENAMED)) ]] || fail "first backup: $out"

step "move a/deep to b/moved; rename half of c in place, move the other half to a new directory d"
mv "$S/a/deep" "$S/b/moved"
mkdir "$S/d"
python3 - "$S" "$RENAMED" <<'PY'  # mv, 1,000 times over
import os, sys
root = sys.argv[1]
for i in range(int(sys.argv[2])):
    f = f"r{i:04d}.dat"
    os.rename(f"{root}/c/{f}", f"{root}/c/renamed-{f}" if i % 2 else f"{root}/d/{f}")
PY

step "the next backup reads nothing"
start=$(date +%s.%N)
out=$(arbor_json backup "$S")
secs=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$start" "$(date +%s.%N)")
echo "backup after the moves: $secs s, $(json_field "$out" files_total) files"
[[ $(json_field "$out" errors) == 0 ]] || fail "errors: $out"
[[ $(json_field "$out" files_total) == $((MOVE_FILES + RENAMED)) ]] || fail "files lost: $out"
[[ $(json_field "$out" files_read) == 0 && $(json_field "$out" bytes_read) == 0 ]] || fail "moved files were read: $out"

step "restore and compare"
"$ARBOR" restore latest --target "$WORK/out" -q >/dev/null
same_tree "$S" "$WORK/out$S"
rm -rf "$WORK/out"

step "a new file that reuses a deleted file's inode (same size and mtime) is read"
# On a shared file system other processes take freed inodes; on a small ext4 of our
# own the next file gets the freed inode back at once.
trap 'umount "$WORK/small" 2>/dev/null || true; rm -rf "$WORK"' EXIT
truncate -s 32M "$WORK/small.img"
mkfs.ext4 -q -F "$WORK/small.img"
mkdir "$WORK/small"
mount -o loop "$WORK/small.img" "$WORK/small" || fail "cannot mount a loop ext4 file system (this step needs root)"
T="$WORK/small/tree"
mkdir "$T"
printf 'A%.0s' $(seq 64) > "$T/victim"
out=$(arbor_json backup "$T")
[[ $(json_field "$out" files_read) == 1 ]] || fail "victim not read: $out"
inode=$(stat -c %i "$T/victim")
mtime=$(stat -c %.9Y "$T/victim")
rm "$T/victim"
printf 'B%.0s' $(seq 64) > "$T/newcomer"
[[ $(stat -c %i "$T/newcomer") == "$inode" ]] || fail "the new file did not get inode $inode"
touch -d "@$mtime" "$T/newcomer"
[[ $(stat -c %.9Y "$T/newcomer") == "$mtime" && $(stat -c %s "$T/newcomer") == 64 ]] || fail "size or mtime differ"
out=$(arbor_json backup "$T")
[[ $(json_field "$out" files_read) == 1 ]] || fail "the newcomer with a reused inode was not read: $out"
"$ARBOR" restore latest --target "$WORK/out" -q >/dev/null
[[ $(cat "$WORK/out$T/newcomer") == "$(printf 'B%.0s' $(seq 64))" ]] || fail "the newcomer restored with the old content"
echo "PASS"
