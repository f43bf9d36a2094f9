#!/usr/bin/env bash
# `restore --verify` reads every restored file back and checks each chunk against the
# snapshot: a clean restore (dense, sparse, empty, multi-chunk files) passes; a byte
# changed or a file cut short in the target (kept by --overwrite never) is named, and the
# command exits 1; --include limits the check to what was restored.
source "$(dirname "$0")/lib.sh"
S="$WORK/src"
mkdir -p "$S/a/b"
random_file "$S/a/big" 9000000 3   # several chunks
echo small >"$S/a/b/small"
: >"$S/empty"
truncate -s 5M "$S/sparse" && printf 'in the middle' | dd of="$S/sparse" bs=1 seek=2000000 conv=notrunc 2>/dev/null
arbor_init -q >/dev/null
"$ARBOR" -q backup "$S"

step "a clean restore verifies: every file read back matches"
out=$("$ARBOR" restore latest --target "$WORK/r1" --verify)
grep -q "verified 4 files" <<<"$out" || fail "expected 4 files verified: $out"
grep -q "all match the snapshot" <<<"$out" || fail "clean restore did not verify: $out"

step "a changed byte and a short file in the target are caught"
printf 'X' | dd of="$WORK/r1$S/a/big" bs=1 seek=7000000 conv=notrunc 2>/dev/null
truncate -s 3 "$WORK/r1$S/a/b/small"
expect_exit 1 "$ARBOR" restore latest --target "$WORK/r1" --overwrite never --verify
expect_stderr "$S/a/big: content differs in chunk"
expect_stderr "$S/a/b/small: size 3, the snapshot says 6"
expect_stderr "2 restored files differ"
grep -q "2 differ" "$WORK/last.out" || fail "summary should say 2 differ: $(cat "$WORK/last.out")"

step "--overwrite always repairs them, and verifies"
expect_exit 0 "$ARBOR" restore latest --target "$WORK/r1" --verify
grep -q "all match" "$WORK/last.out" || fail "after overwrite: $(cat "$WORK/last.out")"

step "--include verifies what it restored only"
out=$("$ARBOR" --json restore latest --target "$WORK/r2" --include "$S/a/b" --verify | tail -1)
[[ $(json_field "$out" files_verified) == 1 && $(json_field "$out" files_differing) == 0 ]] || fail "include: $out"

step "an Azure Files target is refused before anything is restored"
expect_exit 1 "$ARBOR" restore latest --target azfiles://acct/share --verify
expect_stderr "restore into a directory to verify"
echo "PASS: restore_verify"
