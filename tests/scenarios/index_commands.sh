#!/usr/bin/env bash
# find / du / changes / dupes answer from the node index: sizes and counts match the
# tree, a renamed directory is one "moved" change, duplicates are grouped.
source "$(dirname "$0")/lib.sh"
export ARBOR_INDEX="$WORK/node-index.sqlite"
S="$WORK/src"
mkdir -p "$S/projects/alpha" "$S/projects/beta" "$S/archive"
for i in $(seq 1 40); do printf 'alpha %04d' "$i" > "$S/projects/alpha/doc$i.txt"; done
for i in $(seq 1 10); do printf 'beta %04d!' "$i" > "$S/projects/beta/sheet$i.xlsx"; done
random_file "$S/archive/big.bin" 300000 1
cp "$S/archive/big.bin" "$S/projects/big-copy.bin"
arbor_init >/dev/null
"$ARBOR" backup "$S" -q >/dev/null

step "du: bytes and files per directory, from the index"
out=$("$ARBOR" du "$S/projects" --depth 1 --json)
python3 - "$out" "$S" <<'PY' || fail "du totals wrong: $out"
import json, sys
rows = {json.loads(l)["path"]: json.loads(l) for l in sys.argv[1].splitlines()}
src = sys.argv[2]
assert rows[src + "/projects"]["files"] == 51, rows
assert rows[src + "/projects"]["bytes"] == 40 * 10 + 10 * 10 + 300000, rows
assert rows[src + "/projects/alpha"]["files"] == 40, rows
PY

step "find: glob over names"
[[ $("$ARBOR" find '*.xlsx' | grep -c '^/') == 10 ]] || fail "find *.xlsx"
"$ARBOR" find 'doc7.txt' | grep -qx "$S/projects/alpha/doc7.txt" || fail "find doc7.txt"
[[ $("$ARBOR" find '*.xlsx' -s latest | wc -l) == 10 ]] || fail "find -s latest: one path per line"

step "dupes: the copied file is found"
"$ARBOR" dupes --json | head -1 | grep -q "big-copy.bin" || fail "dupes missed the copy"

step "changes: a renamed directory is one move"
first=$("$ARBOR" snapshots --json | python3 -c "import json,sys; print(json.load(sys.stdin)[-1]['id'])")
mv "$S/projects/alpha" "$S/projects/gamma"
echo "new" > "$S/projects/new.txt"
"$ARBOR" backup "$S" -q >/dev/null
"$ARBOR" changes "$first" latest > "$WORK/changes.txt"
grep -qx "R  $S/projects/alpha -> $S/projects/gamma" "$WORK/changes.txt" || { cat "$WORK/changes.txt"; fail "no move line"; }
grep -q "1 added, 0 deleted, 0 modified, 1 moved" "$WORK/changes.txt" || { cat "$WORK/changes.txt"; fail "summary"; }

step "find across snapshots: each path with the snapshots that hold it, newest first"
latest=$("$ARBOR" snapshots --json | python3 -c "import json,sys; print(json.load(sys.stdin)[-1]['id'][:8])")
"$ARBOR" find 'doc7.txt' >"$WORK/found.txt"
grep -A1 -x "$S/projects/alpha/doc7.txt" "$WORK/found.txt" | grep -q "in 1 of 2 snapshots: ${first:0:8} " ||
  { cat "$WORK/found.txt"; fail "alpha/doc7.txt should be in the first snapshot only"; }
grep -A1 -x "$S/projects/gamma/doc7.txt" "$WORK/found.txt" | grep -q "in 1 of 2 snapshots: $latest " ||
  { cat "$WORK/found.txt"; fail "gamma/doc7.txt should be in the latest only"; }
n=$("$ARBOR" find 'big.bin' | grep -A1 "/big.bin$" | grep -o "in 2 of 2 snapshots: $latest ([^)]*), ${first:0:8}" | wc -l)
[[ $n == 1 ]] || { "$ARBOR" find 'big.bin'; fail "big.bin: both snapshots, newest first"; }
out=$("$ARBOR" find 'doc7.txt' --json | python3 -c "import json,sys; print(sorted(json.loads(l)['snapshot_id'][:8] for l in sys.stdin))")
[[ $out == "['${first:0:8}', '$latest']" || $out == "['$latest', '${first:0:8}']" ]] || fail "find --json: $out"
[[ $("$ARBOR" find 'doc*.txt' --limit 3 | grep -c '^/') == 3 ]] || fail "--limit bounds the paths"
expect_exit 1 "$ARBOR" find x -s latest --host h
expect_stderr "one or the other"

step "the index can be rebuilt from the repository alone"
rm -f "$ARBOR_INDEX"
[[ $("$ARBOR" find '*.txt' --snapshot "$first" | wc -l) == 40 ]] || fail "rebuilt index for an old snapshot"
echo "PASS"
