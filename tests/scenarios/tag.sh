#!/usr/bin/env bash
# `arbor tag --add/--remove/--set`: tags change on the snapshots named or filtered, each
# changed snapshot gets a new id and the old object is gone, nothing else changes (tree,
# time, restore); bad requests are refused before anything is written.
source "$(dirname "$0")/lib.sh"
S="$WORK/src"
mkdir -p "$S"
echo one >"$S/f"
arbor_init -q >/dev/null
"$ARBOR" -q backup "$S" --tag daily --host alpha
echo two >"$S/f"
"$ARBOR" -q backup "$S" --tag daily --host beta

tags_of() {  # tags_of HOST: the tags of that host's only snapshot, comma-joined
  "$ARBOR" snapshots --json --host "$1" | python3 -c 'import json,sys; s=json.load(sys.stdin); assert len(s)==1, s; print(",".join(s[0]["tags"]))'
}
id_of() { "$ARBOR" snapshots --json --host "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])'; }
count() { "$ARBOR" snapshots --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }

step "--add on latest changes the newest only; its id changes, its tree does not"
old=$(id_of beta)
tree=$("$ARBOR" snapshots --json --host beta | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["tree"])')
out=$("$ARBOR" tag latest --add keep --add db)
grep -q "1 of 1 snapshots changed" <<<"$out" || fail "unexpected output: $out"
[[ $(tags_of beta) == "daily,db,keep" ]] || fail "beta's tags: $(tags_of beta)"
[[ $(tags_of alpha) == "daily" ]] || fail "alpha changed: $(tags_of alpha)"
new=$(id_of beta)
[[ "$new" != "$old" ]] || fail "a changed snapshot keeps its id"
[[ $(count) == 2 ]] || fail "the old snapshot object is still listed"
newtree=$("$ARBOR" snapshots --json --host beta | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["tree"])')
[[ "$newtree" == "$tree" ]] || fail "the tree changed"
"$ARBOR" -q restore latest --target "$WORK/r"
[[ $(cat "$WORK/r$S/f") == two ]] || fail "restore after tag"

step "--remove and --set select by filter; an unchanged snapshot is not rewritten"
"$ARBOR" -q tag --host beta --remove keep
[[ $(tags_of beta) == "daily,db" ]] || fail "after --remove: $(tags_of beta)"
same=$(id_of alpha)
out=$("$ARBOR" tag --host alpha --add daily)
grep -q "0 of 1 snapshots changed" <<<"$out" || fail "adding a tag it has rewrote it: $out"
[[ $(id_of alpha) == "$same" ]] || fail "unchanged snapshot got a new id"
"$ARBOR" -q tag --tag daily --set weekly
[[ $(tags_of alpha) == weekly && $(tags_of beta) == weekly ]] || fail "--set on both: $(tags_of alpha) $(tags_of beta)"
"$ARBOR" -q tag --host alpha --set ''
[[ $(tags_of alpha) == "" ]] || fail "--set '' should clear: $(tags_of alpha)"
"$ARBOR" -q verify

step "bad requests: nothing to change, nothing chosen, unknown snapshot, reserved tag"
expect_exit 1 "$ARBOR" tag latest
expect_stderr "say what to change"
expect_exit 1 "$ARBOR" tag --add x
expect_stderr "name the snapshots"
expect_exit 1 "$ARBOR" tag deadbeef --add x
expect_exit 1 "$ARBOR" tag latest --add 'arbor-part-of:3'
expect_stderr "arbor's own"
[[ $(tags_of beta) == weekly ]] || fail "a refused tag command changed beta"
echo "PASS: tag"
