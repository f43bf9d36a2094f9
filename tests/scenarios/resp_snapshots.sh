#!/usr/bin/env bash
# Snapshots through the RESP server (docs/resp.md, "Snapshots" and "Prune"): a hiredis
# client stores a folder's file parts with BPUT, its directories with TREE.PUT and the
# root with SNAP.COMMIT; `arbor snapshots` lists it, `arbor ls` shows its files and
# `arbor restore` gives the folder back identical. Backing the same name up again
# groups the new version under it (parent). Then prune, with the server stopped: it
# refuses without the server's metadata, and with it deletes a forgotten local backup's
# data while every blob of every RESP snapshot, and a blob no snapshot references, stays
# readable (`verify --read-data`, BGET after a restart).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/resp_lib.sh"
CLIENT="${RESP_TREE_CLIENT:?set RESP_TREE_CLIENT to the resp_tree_client binary}"
arbor_init -q

step "a folder: files (one of several 64 KiB parts, one empty), nested folders, a symlink"
SRC="$WORK/src"
mkdir -p "$SRC/docs/deep" "$SRC/empty-dir"
echo "hello" >"$SRC/a.txt"
random_file "$SRC/docs/big.bin" 300000 1
: >"$SRC/docs/deep/empty"
cp "$SRC/a.txt" "$SRC/docs/deep/same-as-a.txt"
ln -s ../a.txt "$SRC/docs/link"
chmod 600 "$SRC/docs/big.bin"
touch -h -d '2020-01-02 03:04:05.123456789' "$SRC/a.txt" "$SRC/docs/link" "$SRC/docs/deep"

step "the hiredis client backs it up through RESP as 'photos'"
resp_start
S1=$("$CLIENT" "$RESP_PORT" photos "$SRC")
[[ ${#S1} == 64 ]] || fail "SNAP.COMMIT answered [$S1]"

step "arbor snapshots lists it, arbor ls shows its files"
"$ARBOR" snapshots --json | python3 -c '
import json, sys
snaps = json.load(sys.stdin)
assert len(snaps) == 1, snaps
s = snaps[0]
assert s["id"] == sys.argv[1] and s["hostname"] == "resp:default" and s["paths"] == ["photos"], s
assert s["source"] == "resp" and s["parent"] == "", s
' "$S1" || fail "arbor snapshots does not show the RESP snapshot as expected"
LS=$("$ARBOR" ls "$S1")
for f in a.txt docs/big.bin docs/deep/empty docs/deep/same-as-a.txt docs/link empty-dir; do
  grep -q "/$f\$" <<<"$LS" || fail "arbor ls lacks $f: $LS"
done

step "arbor restore gives the folder back identical (content, modes, mtimes, symlink)"
"$ARBOR" restore "$S1" --target "$WORK/out1" >/dev/null
same_tree "$SRC" "$WORK/out1"

step "the same name again: a new version grouped under it (its parent is the first)"
echo "a change" >>"$SRC/docs/deep/empty"
S2=$("$CLIENT" "$RESP_PORT" photos "$SRC")
PARENT=$("$ARBOR" snapshots --json | python3 -c "import json,sys; print([s['parent'] for s in json.load(sys.stdin) if s['id'] == '$S2'][0])")
[[ "$PARENT" == "$S1" ]] || fail "the second snapshot's parent is [$PARENT], not $S1"

step "a blob no snapshot references, and a local backup that is then forgotten"
printf 'kept without a snapshot' >"$WORK/orphan"
ORPHAN=$(rcli -x BPUT <"$WORK/orphan")
resp_stop
mkdir "$WORK/local"
random_file "$WORK/local/junk" 200000 2
"$ARBOR" backup -q --host local "$WORK/local"
random_file "$WORK/local/junk" 200000 3
"$ARBOR" backup -q --host local "$WORK/local"
"$ARBOR" forget -q --host local --keep-last 1

step "prune without the server's metadata refuses and deletes nothing"
expect_exit 1 "$ARBOR" prune
expect_stderr "stored through the RESP server"
expect_exit 1 "$ARBOR" prune --resp-data "$WORK/nowhere"
expect_stderr "no RESP metadata store"

step "prune with it frees the forgotten backup and keeps every RESP blob"
PRUNED=$("$ARBOR" prune --resp-data "$WORK/resp")
grep -Eq "prune: [1-9][0-9]* packs deleted" <<<"$PRUNED" || fail "prune freed nothing: $PRUNED"
"$ARBOR" verify --read-data -q || fail "verify --read-data after prune"
"$ARBOR" restore "$S1" --target "$WORK/out2" >/dev/null
same_tree "$WORK/out1" "$WORK/out2"
"$ARBOR" restore "$S2" --target "$WORK/out3" >/dev/null
same_tree "$SRC" "$WORK/out3"
resp_start
want "kept without a snapshot" BGET "$ORPHAN"
