#!/usr/bin/env bash
# arbor dump: one file to stdout matches the source byte for byte (SHA-256), a folder as a
# tar stream that `tar -x` turns back into the same tree (content, types, modes, owners,
# nanosecond mtimes, symlinks, hard links, FIFOs, devices), the same as a zip; bad input
# gets a clear error, a nonzero exit and nothing on stdout.
source "$(dirname "$0")/lib.sh"
S="$WORK/src"
make_every_kind "$S"
random_file "$S/dir/big.bin" $((9 * 1024 * 1024 + 12345)) 7
chmod 700 "$S/dir/nested"
chown 1234:5678 "$S/dir/big.bin"
touch -d '2001-02-03 04:05:06.123456789' "$S/dir/nested"
truncate -s 30M "$S/sparse"
printf 'middle' | dd of="$S/sparse" bs=1 seek=$((17 * 1024 * 1024 + 3)) conv=notrunc status=none

step "init and back up"
arbor_init >/dev/null
"$ARBOR" backup -q "$S" >/dev/null

step "dump of a file matches its SHA-256"
for f in dir/big.bin a.txt empty sparse; do
  "$ARBOR" dump latest "$S/$f" > "$WORK/dumped"
  [[ "$(sha256sum < "$WORK/dumped")" == "$(sha256sum < "$S/$f")" ]] || fail "dump of $f differs from the source"
done

step "dump of a folder is a tar that tar -x restores identical"
"$ARBOR" dump latest "$S" > "$WORK/src.tar"
mkdir "$WORK/untar"
tar -x --xattrs --xattrs-include='user.*' -f "$WORK/src.tar" -C "$WORK/untar"
same_tree "$S" "$WORK/untar/src"
[[ "$(stat -c %i "$WORK/untar/src/a.txt")" == "$(stat -c %i "$WORK/untar/src/dir/hardlink")" ]] ||
  fail "hard link not dumped as a link"
[[ "$(readlink "$WORK/untar/src/dangling")" == /nonexistent/target ]] || fail "symlink target lost"
[[ "$(stat -c %y "$WORK/untar/src/dir/nested")" == "2001-02-03 04:05:06.123456789 +0000" ]] ||
  fail "nanosecond directory mtime lost"
[[ "$(getfattr --absolute-names --only-values -n user.color "$WORK/untar/src/a.txt")" == blue ]] || fail "xattr lost in the tar"

step "a subfolder dumps below its own name; the root dumps its children"
"$ARBOR" dump latest "$S/dir" > "$WORK/dir.tar"
tar -t -f "$WORK/dir.tar" | sort > "$WORK/list"
grep -qx 'dir/' "$WORK/list" && grep -qx 'dir/big.bin' "$WORK/list" && grep -qx 'dir/nested/' "$WORK/list" ||
  { cat "$WORK/list" >&2; fail "subfolder entries not below its name"; }
"$ARBOR" dump latest / > "$WORK/root.tar"
tar -t -f "$WORK/root.tar" > "$WORK/list"
top=${S#/}; top=${top%%/*}
[[ "$(head -n 1 "$WORK/list")" == "$top/" ]] || fail "root dump does not start with the source's top folder: $(head -n 1 "$WORK/list")"
grep -q '^/' "$WORK/list" && fail "root dump has absolute names"
grep -qx "${S#/}/dir/big.bin" "$WORK/list" || fail "root dump lacks the source's files"

step "--archive zip holds the same files"
"$ARBOR" dump latest "$S/dir" --archive zip > "$WORK/dir.zip"
python3 - "$WORK/dir.zip" "$S/dir/big.bin" <<'PY'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert z.read("dir/big.bin") == open(sys.argv[2], "rb").read(), "zip content differs"
assert "dir/nested/" in z.namelist(), z.namelist()
PY

step "bad input: clear error, nonzero exit, nothing on stdout"
expect_exit 1 "$ARBOR" dump 0123456789abcdef "$S/a.txt"
expect_stderr "snapshot"
[[ ! -s "$WORK/last.out" ]] || fail "unknown snapshot wrote to stdout"
expect_exit 1 "$ARBOR" dump latest "$S/no/such/file"
expect_stderr "is not in the snapshot"
[[ ! -s "$WORK/last.out" ]] || fail "missing path wrote to stdout"
expect_exit 1 "$ARBOR" dump latest "$S/fifo"
expect_stderr "not a file or a directory"
[[ ! -s "$WORK/last.out" ]] || fail "a FIFO wrote to stdout"
expect_exit 1 "$ARBOR" dump latest "$S" --archive cpio
[[ ! -s "$WORK/last.out" ]] || fail "a bad --archive wrote to stdout"
echo "PASS"
