#!/usr/bin/env bash
# Paths longer than PATH_MAX (4096 bytes): a tree 20 levels deep with 250-byte names,
# a file at every level, and at the bottom a file with an xattr and a nanosecond mtime,
# a symlink and an xattr on the directory. The source and the restore target open one
# path component at a time, so every level is backed up and restored.
#
# GNU diff, stat and getfattr take whole paths and stop at PATH_MAX, so the comparison
# is done in two halves for diff (the top ten levels, then the rest from open directory
# descriptors) and by a walk over directory descriptors (os.fwalk) for metadata.
source "$(dirname "$0")/lib.sh"
S="$WORK/src"
LEVELS=20
name_at() { printf 'level%02d-%s' "$1" "$(printf 'n%.0s' $(seq 242))"; }  # 250 bytes

python3 - "$S" "$LEVELS" <<'PY'
import os, sys
root, levels = sys.argv[1], int(sys.argv[2])
os.makedirs(root)
fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
length = len(root)
for level in range(levels):
    f = os.open(f"file-{level:02d}.txt", os.O_WRONLY | os.O_CREAT, 0o640, dir_fd=fd)
    os.write(f, f"content at level {level}\n".encode())
    os.close(f)
    name = f"level{level:02d}-" + "n" * 242
    os.mkdir(name, dir_fd=fd)
    sub = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
    os.close(fd)
    fd = sub
    length += 1 + len(name)
f = os.open("deepest.txt", os.O_WRONLY | os.O_CREAT, 0o600, dir_fd=fd)
os.write(f, b"the bottom of the tree\n")
os.close(f)
os.setxattr(f"/proc/self/fd/{fd}/deepest.txt", "user.depth", b"twenty")
os.setxattr(f"/proc/self/fd/{fd}", "user.where", b"bottom")
os.symlink("deepest.txt", "link-to-deepest", dir_fd=fd)
os.utime("deepest.txt", ns=(1000000000123456789, 1234567890123456789), dir_fd=fd)
assert length + len("/deepest.txt") > 4096 * 1.2, length
PY

step "back up: every level is read"
arbor_init >/dev/null
out=$(arbor_json backup "$S" 2>"$WORK/backup.err") || fail "backup exited $? ($(head -c 300 "$WORK/backup.err"))"
[[ $(json_field "$out" errors) == 0 ]] || fail "backup reported errors: $out"
[[ $(json_field "$out" files_total) == $((LEVELS + 1)) ]] || fail "backup missed files: $out"
[[ $(json_field "$out" dirs_total) -ge $((LEVELS + 1)) ]] || fail "backup missed directories: $out"

step "restore: every level is written"
"$ARBOR" restore latest --target "$WORK/out" -q >/dev/null || fail "restore failed (exit $?)"
R="$WORK/out$S"

step "diff -r, the top ten levels and then the rest through open directories"
diff -r --no-dereference -x "$(name_at 10)" "$S" "$R" || fail "top levels differ"
(
  cd "$S" && for l in $(seq 0 9); do cd "$(name_at "$l")"; done && exec 3<.
  cd "$R" && for l in $(seq 0 9); do cd "$(name_at "$l")"; done && exec 4<.
  diff -r --no-dereference /proc/self/fd/3/. /proc/self/fd/4/.
) || fail "lower levels differ"

step "metadata of every entry (mode, owner, size, mtime, link target, xattrs, content)"
python3 - "$S" "$R" <<'PY'
import hashlib, os, stat, sys

def describe(root):
    out = {}
    for top, dirs, files, dfd in os.fwalk(root, follow_symlinks=False):
        rel = os.path.relpath(top, root)
        for name in [None] + dirs + files:
            st = os.stat(name or ".", dir_fd=dfd, follow_symlinks=False)
            where = f"/proc/self/fd/{dfd}" + (f"/{name}" if name else "")
            xattrs = {k: os.getxattr(where, k, follow_symlinks=False)
                      for k in sorted(os.listxattr(where, follow_symlinks=False))}
            key = os.path.normpath(os.path.join(rel, name or "."))
            item = [stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid, xattrs]
            if stat.S_ISLNK(st.st_mode):
                item.append(os.readlink(name, dir_fd=dfd))
            else:
                item.append(st.st_mtime_ns)
            if stat.S_ISREG(st.st_mode):
                fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW, dir_fd=dfd)
                item += [st.st_size, hashlib.sha256(os.read(fd, st.st_size + 1)).hexdigest()]
                os.close(fd)
            if key != ".":
                out[key] = item
    return out

a, b = describe(sys.argv[1]), describe(sys.argv[2])
if a != b:
    for k in sorted(set(a) | set(b)):
        if a.get(k) != b.get(k):
            print("differs:", k[-80:], a.get(k), b.get(k), file=sys.stderr)
            break
    sys.exit(1)
deepest = [k for k in a if k.endswith("deepest.txt")]
assert len(deepest) == 1 and deepest[0].count("/") == 20, deepest
print(f"{len(a)} entries compared, deepest path {len(sys.argv[2]) + 1 + len(deepest[0])} bytes")
PY

step "the deepest file's content and xattr, read through a descriptor chain"
python3 - "$R" "$LEVELS" <<'PY'
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)
for level in range(int(sys.argv[2])):
    sub = os.open(f"level{level:02d}-" + "n" * 242, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
    os.close(fd)
    fd = sub
f = os.open("deepest.txt", os.O_RDONLY, dir_fd=fd)
assert os.read(f, 100) == b"the bottom of the tree\n"
assert os.getxattr(f"/proc/self/fd/{fd}/deepest.txt", "user.depth") == b"twenty"
assert os.getxattr(f"/proc/self/fd/{fd}", "user.where") == b"bottom"
assert os.stat("deepest.txt", dir_fd=fd).st_mtime_ns == 1234567890123456789
assert os.readlink("link-to-deepest", dir_fd=fd) == "deepest.txt"
PY
echo "PASS"
