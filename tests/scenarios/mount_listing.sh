#!/usr/bin/env bash
# `ls -lR` through arbor mount without a round trip per entry for xattrs. GNU ls -l reads
# every entry's SELinux label and POSIX ACL, and FUSE caches no xattr answer: two requests
# per entry. The mount answers ENOTSUP for such a name when no file of the mount has it
# (its xattr census walks the snapshots' trees first), and ls stops asking. Where one file
# has an ACL the answers stay per file, so ls -l still shows its `+`, also in a snapshot
# that appears while mounted, after ls met many files without one. Requests are counted
# by the daemon (`arbor mount --stats`, printed at unmount), and so are the readlinks of
# `latest` that every path through it cost before the kernel cached symlink targets.
source "$(dirname "$0")/lib.sh"
trap cleanup_mounts EXIT
S="$WORK/src"
DIRS=4
PER=500
FILES=$((DIRS * PER))
python3 - "$S" "$DIRS" "$PER" <<'PY'
import os, sys
root, dirs, per = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for d in range(dirs):
    os.makedirs(os.path.join(root, f"d{d}"))
    for i in range(per):
        with open(os.path.join(root, f"d{d}", f"f{i:04d}"), "w") as f:
            f.write(str(i))
PY
step "back up $FILES files without xattrs"
arbor_init >/dev/null
"$ARBOR" backup -q "$S" >/dev/null
M="$WORK/mnt"
mkdir -p "$M"
MOUNTS+=("$M")

# mount_with_stats LOG: mounts at $M with --stats, in the background (PID).
mount_with_stats() {
  "$ARBOR" mount "$M" --stats 2>"$1" &
  PID=$!
  PIDS+=("$PID")
  wait_for_mount "$M" "$PID" "$1"
}
# requests LOG KIND: how many requests of KIND the mount that wrote LOG served.
requests() { sed -n "s/^arbor mount: requests: .* $2 \([0-9]*\).*/\1/p" "$1"; }

step "ls -lR of a snapshot without xattrs"
mount_with_stats "$WORK/mount1.log"
R="$M/latest$S"
listed=$(ls -lR "$R" | grep -c '^-rw-r--r-- ')
[[ $listed == "$FILES" ]] || fail "ls -lR listed $listed files, not $FILES"
# getfacl of a file where no file has an ACL: the ACL its mode makes, as on the source.
diff <(cd "$S" && getfacl -p d0/f0000 d1) <(cd "$R" && getfacl -p d0/f0000 d1) >&2 || fail "getfacl differs"
fusermount3 -u "$M"
wait "$PID" || fail "arbor mount exited $?"
got=$(requests "$WORK/mount1.log" getxattr)
echo "ls -lR of $FILES files: $got getxattr requests ($(grep '^arbor mount: requests' "$WORK/mount1.log"))"
[[ -n "$got" ]] || { cat "$WORK/mount1.log" >&2; fail "no request counts printed"; }
# Two per entry without the census (label and ACL, plus the default ACL of a directory).
((got <= 20)) || fail "$got getxattr requests for $FILES entries: ls asked every entry"
# Every path ls uses goes through the `latest` symlink: one readlink per entry unless the
# kernel caches its target.
links=$(requests "$WORK/mount1.log" readlink)
((links <= 20)) || fail "$links readlink requests for $FILES entries: latest was resolved per entry"

step "a snapshot with one ACL appears while mounted: ls -l shows its +"
mount_with_stats "$WORK/mount2.log"
ls -lR "$M/latest$S" >/dev/null
echo acl >"$S/d$((DIRS - 1))/zz-acl"
setfacl -m u:nobody:rw "$S/d$((DIRS - 1))/zz-acl"
"$ARBOR" backup -q "$S" >/dev/null
# The mount reads the snapshot list again after a second, and `latest` moves then; wait
# for it (bounded) rather than sleeping a fixed time, which raced on a loaded machine.
for _ in $(seq 100); do
  [[ -e "$M/latest$S/d$((DIRS - 1))/zz-acl" ]] && break
  sleep 0.1
done
plus=$(ls -lR "$M/latest$S" | grep '^-rw-rw-r--+ ' || true)
[[ -n $plus ]] || ls -l "$M/latest$S/d$((DIRS - 1))/zz-acl" "$S/d$((DIRS - 1))/zz-acl" >&2
[[ $plus == *" zz-acl" && $(wc -l <<<"$plus") == 1 ]] || fail "ls -lR shows no + (or more than one): '$plus'"
diff <(cd "$S" && getfacl -p "d$((DIRS - 1))/zz-acl" d0/f0000) \
  <(cd "$M/latest$S" && getfacl -p "d$((DIRS - 1))/zz-acl" d0/f0000) >&2 || fail "getfacl differs"
fusermount3 -u "$M"
wait "$PID" || fail "arbor mount exited $?"
got=$(requests "$WORK/mount2.log" getxattr)
echo "with an ACL in the mount: $got getxattr requests ($(grep '^arbor mount: requests' "$WORK/mount2.log"))"
# The ACL answers are per entry again in the second listing (ls cannot skip them).
((got > FILES)) || fail "only $got getxattr requests: ACL answers were not per entry"
step "done"
echo "PASS"
