#!/usr/bin/env bash
# Round trip of a tree with every kind of metadata a POSIX source has: content,
# empty files, symlinks (also dangling), hard links, FIFOs, a device node, modes
# (setuid, sticky), owners, nanosecond times, xattrs, POSIX ACLs and a sparse file.
source "$(dirname "$0")/lib.sh"
S="$WORK/src"
mkdir -p "$S/dir/nested/deeper" "$S/empty-dir" "$S/sticky"
echo "hello" > "$S/a.txt"
: > "$S/empty"
random_file "$S/dir/big.bin" $((6 * 1024 * 1024)) 1
printf 'n\xc3\xa4me' > "$S/dir/$(printf 'unicod\xc3\xa9 name with spaces')"
ln -s a.txt "$S/link"
ln -s /nonexistent/target "$S/dangling"
ln "$S/a.txt" "$S/dir/hardlink"
mkfifo "$S/fifo"
mknod "$S/null-device" c 1 3
chmod 4755 "$S/a.txt"
chmod 1777 "$S/sticky"
chown 1234:5678 "$S/dir/big.bin"
chown -h 4321:8765 "$S/link"
touch -d '2001-02-03 04:05:06.123456789' "$S/empty"
setfattr -n user.color -v blue "$S/a.txt"
setfattr -n user.binary -v 0x00ff10 "$S/dir"
setfacl -m u:nobody:rw,g:adm:r "$S/dir/big.bin"
setfacl -d -m u:nobody:rx "$S/dir/nested"
truncate -s 200M "$S/sparse"
printf 'middle' | dd of="$S/sparse" bs=1 seek=$((100 * 1024 * 1024)) conv=notrunc status=none
printf 'end' | dd of="$S/sparse" bs=1 seek=$((200 * 1024 * 1024 - 3)) conv=notrunc status=none

step "init and back up"
arbor_init >/dev/null
out=$(arbor_json backup "$S")
[[ $(json_field "$out" errors) == 0 ]] || fail "backup reported errors: $out"
[[ $(json_field "$out" bytes_read) -lt $((8 * 1024 * 1024)) ]] || fail "the sparse file's holes were read: $out"

step "restore and compare"
"$ARBOR" restore latest --target "$WORK/out" -q >/dev/null
R="$WORK/out$S"
same_tree "$S" "$R"
[[ "$(stat -c %i "$R/a.txt")" == "$(stat -c %i "$R/dir/hardlink")" ]] || fail "hard link not restored as a link"
[[ "$(getfattr -d --absolute-names "$S/a.txt" | tail -n +2)" == "$(getfattr -d --absolute-names "$R/a.txt" | tail -n +2)" ]] || fail "xattrs differ"
[[ "$(getfattr -d -e hex --absolute-names "$R/dir" | grep binary)" == "user.binary=0x00ff10" ]] || fail "binary xattr lost"
[[ "$(getfacl -p "$S/dir/big.bin" | tail -n +2)" == "$(getfacl -p "$R/dir/big.bin" | tail -n +2)" ]] || fail "ACL differs"
[[ "$(getfacl -p "$S/dir/nested" | tail -n +2)" == "$(getfacl -p "$R/dir/nested" | tail -n +2)" ]] || fail "default ACL differs"
[[ $(stat -c %b "$R/sparse") -lt 1000 ]] || fail "sparse file restored without holes ($(stat -c %b "$R/sparse") blocks)"
[[ "$(stat -c %t:%T "$R/null-device")" == "1:3" ]] || fail "device numbers differ"
[[ "$(stat -c %y "$R/empty")" == "2001-02-03 04:05:06.123456789 +0000" ]] || fail "nanosecond mtime lost"

step "QuickXorHash of every file matches rclone's"
while read -r qxh path; do
  want=$(rclone hashsum quickxor "$S${path#$S}" 2>/dev/null | cut -d' ' -f1)
  [[ "$qxh" == "$want" ]] || fail "quickxor of $path: $qxh != $want"
done < <("$ARBOR" ls latest "$S" --json | python3 -c "
import json,sys
for line in sys.stdin:
    n=json.loads(line)
    if n['type']=='file': print(n['quickxor'], n['path'])")

step "restore --include picks one subtree"
"$ARBOR" restore latest --target "$WORK/part" --include "$S/dir/nested" -q >/dev/null
[[ -d "$WORK/part$S/dir/nested/deeper" && ! -e "$WORK/part$S/a.txt" && ! -e "$WORK/part$S/dir/big.bin" ]] || fail "include filter"
echo "PASS"
