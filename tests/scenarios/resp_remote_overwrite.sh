#!/usr/bin/env bash
# `arbor restore --remote` with --overwrite, --verify and --delete (docs/resp.md, "Remote
# restore"): the local restore's meaning, through the same code (restorer/overwrite.h,
# verify_restored.h and mirror_delete.h). An existing changed file is kept by --overwrite never, replaced by
# if-changed and by always (the default, as for a local restore); --verify reads every
# restored file back and checks each part against the SHA-256 its tree names (part sizes
# from BSTAT), so a file kept with different content, or a flipped byte in the middle of a
# multi-part file, fails the restore with exit 1 and names the file. --delete removes what
# the target holds beyond the snapshot (narrowed by --include).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/resp_lib.sh"
arbor_init -q

SRC="$WORK/src"
mkdir -p "$SRC/d"
echo "original" >"$SRC/d/file.txt"
echo "same" >"$SRC/same.txt"
random_file "$SRC/big.bin" 3000000 9  # several parts (FastCDC: 256 KiB to 4 MiB)
ln -s same.txt "$SRC/link"

resp_start
URL="resp://127.0.0.1:$RESP_PORT/default"
S=$(json_field "$("$ARBOR" --json backup --remote "$URL" "$SRC" | tail -n 1)" snapshot_id)
OUT="$WORK/out"
# restore --remote with the default overwrite and --verify: every file written and matched.
restore_verified() {
  "$ARBOR" restore --remote "$URL" "$S" --target "$OUT" --verify >"$WORK/restore.out"
  grep -q "^verified 3 files (.*): all match the snapshot$" "$WORK/restore.out" ||
    fail "no clean verification: $(cat "$WORK/restore.out")"
  same_tree "$SRC" "$OUT"
}

step "--verify after a restore: every file read back and matched"
restore_verified

step "an existing changed file: --overwrite never keeps it, and --verify says it differs"
echo "changed locally" >"$OUT/d/file.txt"
expect_exit 1 "$ARBOR" restore --remote "$URL" "$S" --target "$OUT" --overwrite never --verify
grep -q "; 3 existing files kept" "$WORK/last.out" || fail "kept files not said: $(cat "$WORK/last.out")"
grep -q "^verified 3 files (.*): 1 differ$" "$WORK/last.out" || fail "verify summary: $(cat "$WORK/last.out")"
expect_stderr "restored file differs from the snapshot: /d/file.txt: size 16, the snapshot says 9"
expect_stderr "1 restored files differ from the snapshot"
[[ $(cat "$OUT/d/file.txt") == "changed locally" ]] || fail "--overwrite never replaced the changed file"

step "--overwrite if-changed replaces the changed file and keeps the unchanged ones"
R=$("$ARBOR" --json restore --remote "$URL" "$S" --target "$OUT" --overwrite if-changed | tail -n 1)
[[ $(json_field "$R" files_skipped) == 2 ]] || fail "if-changed kept: $R"
[[ $(cat "$OUT/d/file.txt") == "original" ]] || fail "if-changed did not replace the changed file"

step "a byte flipped inside a part of the multi-part file (size and time kept): --verify names it"
printf 'X' | dd of="$OUT/big.bin" bs=1 seek=1500000 conv=notrunc status=none
touch -r "$SRC/big.bin" "$OUT/big.bin"
expect_exit 1 "$ARBOR" restore --remote "$URL" "$S" --target "$OUT" --overwrite if-changed --verify
expect_stderr "restored file differs from the snapshot: /big.bin: content differs in chunk"

step "without --overwrite (always, as a local restore) every file is replaced; --verify is clean"
echo "changed again" >"$OUT/d/file.txt"
restore_verified

step "--delete mirrors: what the target holds beyond the snapshot goes, as with a local restore --delete"
mkdir -p "$OUT/extra-dir/sub"
echo x >"$OUT/extra-dir/sub/f"
echo y >"$OUT/d/extra.txt"
ln -s /nonexistent "$OUT/extra-link"
"$ARBOR" restore --remote "$URL" "$S" --target "$OUT" --delete >"$WORK/delete.out"
grep -q "^removed 3 entries the snapshot does not hold (e.g. $OUT/" "$WORK/delete.out" ||
  fail "--delete summary: $(cat "$WORK/delete.out")"
[[ ! -e "$OUT/extra-dir" && ! -e "$OUT/d/extra.txt" && ! -L "$OUT/extra-link" ]] || fail "--delete left extras"
same_tree "$SRC" "$OUT"

step "--delete with --include mirrors below the included path only"
echo z >"$OUT/top-extra"
echo w >"$OUT/d/extra2"
R=$("$ARBOR" --json restore --remote "$URL" "$S" --target "$OUT" --include /d --delete | grep '"deleted"')
[[ $(json_field "$R" entries_removed) == 1 ]] || fail "--include /d --delete removed: $R"
[[ -e "$OUT/top-extra" && ! -e "$OUT/d/extra2" ]] || fail "--delete with --include touched the wrong entries"
rm "$OUT/top-extra"

step "the local restore of the same snapshot with the same options agrees"
echo "changed locally" >"$OUT/d/file.txt"
expect_exit 1 "$ARBOR" restore "$S" --target "$OUT" --overwrite never --verify
expect_stderr "restored file differs from the snapshot: /d/file.txt: size 16, the snapshot says 9"
resp_stop
echo "resp_remote_overwrite: ok"
