#!/usr/bin/env bash
# `restore --delete` mirrors: what the target holds beyond the snapshot is removed (files,
# folders, a symlink without following it) at and below the backed-up path only — the
# folders above it are never touched; with --include only the included folders are
# mirrored; an Azure target is refused. (The refusal of a backup of / mirrored onto / is
# unit-tested in restorer_test: no test here ever restores into / .)
source "$(dirname "$0")/lib.sh"
S="$WORK/src"
mkdir -p "$S/a" "$S/b"
echo 1 >"$S/a/f1"
echo 2 >"$S/b/f2"
arbor_init -q >/dev/null
"$ARBOR" -q backup "$S"
R="$WORK/r"
"$ARBOR" -q restore latest --target "$R"
mkdir -p "$WORK/precious"
echo keep >"$WORK/precious/file"

step "--delete removes extra files, folders and links (not what links point to), below the backed-up path only"
echo x >"$R$S/a/extra"
mkdir -p "$R$S/newdir/deep" && echo y >"$R$S/newdir/deep/z"
ln -s "$WORK/precious" "$R$S/b/link-to-precious"
echo beside >"$R/beside-at-top"          # above the backed-up path: not the snapshot's to judge
echo beside >"$(dirname "$R$S")/beside-src"
echo changed >"$R$S/a/f1"
out=$("$ARBOR" restore latest --target "$R" --delete)
grep -q "removed 3 entries" <<<"$out" || fail "expected 3 entries removed: $out"
[[ ! -e "$R$S/a/extra" && ! -e "$R$S/newdir" && ! -L "$R$S/b/link-to-precious" ]] ||
  fail "extras remain: $(find "$R")"
[[ -e "$R/beside-at-top" && -e "$(dirname "$R$S")/beside-src" ]] || fail "--delete touched what lies above the backed-up path"
[[ $(cat "$WORK/precious/file") == keep ]] || fail "--delete followed a symlink"
same_tree "$S" "$R$S"

step "--include mirrors the included folder only"
echo x >"$R$S/a/extra"
echo y >"$R$S/b/extra"
out=$("$ARBOR" --json restore latest --target "$R" --include "$S/a" --delete | grep '"deleted"')
[[ $(json_field "$out" entries_removed) == 1 ]] || fail "include: $out"
[[ ! -e "$R$S/a/extra" && -e "$R$S/b/extra" ]] || fail "--include $S/a should mirror a/ only"

step "refusal: an Azure Files target"
expect_exit 1 "$ARBOR" restore latest --target azfiles://acct/share --delete
expect_stderr "directory only"
[[ -e "$R$S/b/extra" ]] || fail "a refused restore removed something"
echo "PASS: restore_delete"
