#!/usr/bin/env bash
# Incremental backups read only what changed, and appending to a big file stores
# about one chunk, not the file.
source "$(dirname "$0")/lib.sh"
S="$WORK/src"
mkdir -p "$S/a/b" "$S/c"
for i in $(seq 1 200); do echo "file $i" > "$S/a/b/f$i.txt"; done
random_file "$S/c/big" $((100 * 1024 * 1024)) 7
arbor_init >/dev/null

step "first backup reads everything"
out=$(arbor_json backup "$S")
[[ $(json_field "$out" files_read) == 201 ]] || fail "first backup: $out"

step "unchanged tree: nothing is read"
out=$(arbor_json backup "$S")
[[ $(json_field "$out" files_read) == 0 && $(json_field "$out" bytes_read) == 0 ]] || fail "unchanged: $out"
# Only directory objects on the way to the source may be new (their parents' mtimes
# move as the repository beside them grows); no file data.
[[ $(json_field "$out" bytes_added) -lt 4096 ]] || fail "unchanged wrote data: $out"

step "one file touched: only it is read"
sleep 0.01; echo "changed" >> "$S/a/b/f17.txt"
out=$(arbor_json backup "$S")
[[ $(json_field "$out" files_read) == 1 ]] || fail "one changed: $out"

step "append 1 MiB to the 100 MiB file: about one chunk is added"
random_file "$WORK/tail" $((1024 * 1024)) 8
cat "$WORK/tail" >> "$S/c/big"
out=$(arbor_json backup "$S")
added=$(json_field "$out" bytes_added)
[[ $added -lt $((6 * 1024 * 1024)) && $added -gt $((1024 * 1024)) ]] || fail "dedup after append added $added bytes: $out"

step "a renamed directory is not re-stored"
mv "$S/a" "$S/renamed"
out=$(arbor_json backup "$S")
[[ $(json_field "$out" bytes_added) -lt 100000 ]] || fail "rename stored data again: $out"

step "every snapshot restores"
for id in $("$ARBOR" snapshots --json | python3 -c "import json,sys; [print(s['id']) for s in json.load(sys.stdin)]"); do
  "$ARBOR" restore "$id" --target "$WORK/r-$id" -q >/dev/null
done
"$ARBOR" verify --read-data -q >/dev/null
same_tree "$S" "$WORK/r-$("$ARBOR" snapshots --json | python3 -c "import json,sys; print(json.load(sys.stdin)[-1]['id'])")$S"
echo "PASS"
