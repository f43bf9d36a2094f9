#!/usr/bin/env bash
# `arbor backup --remote resp://...` (docs/resp.md, "Remote backup"): the client chunks a
# folder and sends only what the server lacks. The first backup sends blobs (counted by
# the server: INFO arbor_blob_puts), `arbor restore` gives the folder back identical, a
# second backup of the unchanged folder sends no blob; a server that is not there is a
# clear error; a server killed mid-backup is a clear error, and the same backup run again
# completes without resending what the server had acknowledged.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/resp_lib.sh"
arbor_init -q

puts() { rcli INFO | tr -d '\r' | sed -n 's/^arbor_blob_puts://p'; }

SRC="$WORK/src"
mkdir -p "$SRC/a/b" "$SRC/empty"
random_file "$SRC/big.bin" 3000000 1
cp "$SRC/big.bin" "$SRC/a/copy.bin"
echo "small" >"$SRC/a/b/small.txt"
random_file "$SRC/a/edge-read-ahead" 262144 2    # the largest file read ahead on the pool
random_file "$SRC/a/edge-in-turn" 262145 3       # the smallest read in turn by the walker
: >"$SRC/a/b/empty.txt"
ln -s big.bin "$SRC/link"

step "a server that is not there: a clear error"
expect_exit 1 "$ARBOR" backup --remote "resp://127.0.0.1:1/default" "$SRC"
expect_stderr "cannot connect to the RESP server at 127.0.0.1:1"

step "the server killed mid-backup: a clear error; run again, it sends only what is missing"
resp_start
BIG="$WORK/big"
mkdir "$BIG"
for i in $(seq 100); do random_file "$BIG/f$i" 1000000 "$((100 + i))"; done
"$ARBOR" backup --remote "resp://127.0.0.1:$RESP_PORT/default" "$BIG" >"$WORK/cut.out" 2>"$WORK/cut.err" &
CUT=$!
for _ in $(seq 600); do [[ $(puts) -gt 0 ]] && break; sleep 0.05; done
resp_kill9
if wait "$CUT"; then fail "the backup finished before the server was killed (make the data set larger)"; fi
grep -q "run the same backup again to resume" "$WORK/cut.err" || { cat "$WORK/cut.err" >&2; fail "no resume hint"; }
resp_start
OUT=$("$ARBOR" --json backup --remote "resp://127.0.0.1:$RESP_PORT/default" "$BIG" | tail -n 1)
SENT=$(json_field "$OUT" blobs_sent)
CHUNKS=$(json_field "$OUT" chunks)
((SENT < CHUNKS)) || fail "the resumed backup sent $SENT of $CHUNKS chunks: nothing was kept from the first try"
"$ARBOR" restore "$(json_field "$OUT" snapshot_id)" --target "$WORK/big-out" >/dev/null
same_tree "$BIG" "$WORK/big-out"

step "the first remote backup sends the chunks once (the copy is deduplicated by the client)"
before=$(puts)
OUT=$("$ARBOR" --json backup --remote "resp://127.0.0.1:$RESP_PORT/default" "$SRC" | tail -n 1)
SENT=$(json_field "$OUT" blobs_sent)
[[ "$SENT" -gt 1 ]] || fail "the first backup sent $SENT blobs: $OUT"
(($(json_field "$OUT" chunks) > SENT)) || fail "the copy's chunks were sent again: $OUT"
(($(puts) - before == SENT)) || fail "the server counted $(($(puts) - before)) BPUTs, the client $SENT"
S1=$(json_field "$OUT" snapshot_id)

step "arbor snapshots/restore see it; the restore is identical"
"$ARBOR" snapshots --json | python3 -c '
import json, sys
s = [s for s in json.load(sys.stdin) if s["id"] == sys.argv[1]][0]
assert s["paths"] == [sys.argv[2]] and s["hostname"] == "resp:default", s
' "$S1" "$SRC" || fail "the remote snapshot is not listed as expected"
"$ARBOR" restore "$S1" --target "$WORK/out" >/dev/null
same_tree "$SRC" "$WORK/out"

step "a second backup of the unchanged folder sends no blob"
before=$(puts)
OUT=$("$ARBOR" --json backup --remote "resp://127.0.0.1:$RESP_PORT" "$SRC" | tail -n 1)
[[ $(json_field "$OUT" blobs_sent) == 0 ]] || fail "the second backup sent blobs: $OUT"
[[ $(puts) == "$before" ]] || fail "the server received $(( $(puts) - before )) BPUTs"
S2=$(json_field "$OUT" snapshot_id)
PARENT=$("$ARBOR" snapshots --json | python3 -c "import json,sys; print([s['parent'] for s in json.load(sys.stdin) if s['id'] == '$S2'][0])")
[[ "$PARENT" == "$S1" ]] || fail "the second remote snapshot's parent is [$PARENT], not $S1"

step "a changed file: only its new chunks are sent"
random_file "$SRC/a/b/small.txt" 100000 7
OUT=$("$ARBOR" --json backup --remote "resp://127.0.0.1:$RESP_PORT/default" "$SRC" | tail -n 1)
[[ $(json_field "$OUT" blobs_sent) == 1 ]] || fail "a changed small file sent: $OUT"
"$ARBOR" restore "$(json_field "$OUT" snapshot_id)" --target "$WORK/out2" >/dev/null
same_tree "$SRC" "$WORK/out2"

step "files read ahead on the pool and the same files read in turn give the same tree"
tree_of() { "$ARBOR" snapshots --json | python3 -c "import json,sys; print([s['tree'] for s in json.load(sys.stdin) if s['id'] == '$1'][0])"; }
AHEAD=$(json_field "$OUT" snapshot_id)
OUT=$(ARBOR_REMOTE_READ_AHEAD=0 "$ARBOR" --json backup --remote "resp://127.0.0.1:$RESP_PORT/default" "$SRC" | tail -n 1)
[[ $(json_field "$OUT" blobs_sent) == 0 ]] || fail "the files read in turn gave other chunks: $OUT"
[[ $(tree_of "$(json_field "$OUT" snapshot_id)") == $(tree_of "$AHEAD") ]] ||
  fail "read ahead and read in turn gave different trees"

step "110 folders in three levels share the server's group commits (not two per folder)"
commits() { rcli INFO | tr -d '\r' | sed -n 's/^arbor_commits://p'; }
WIDE="$WORK/wide"
for a in $(seq 0 9); do
  for b in $(seq 0 9); do
    mkdir -p "$WIDE/a$a/b$b"
    for f in 1 2 3 4 5; do echo "$a $b $f" >"$WIDE/a$a/b$b/f$f"; done
  done
done
before=$(commits)
OUT=$("$ARBOR" --json backup --remote "resp://127.0.0.1:$RESP_PORT/default" "$WIDE" | tail -n 1)
[[ $(json_field "$OUT" blobs_sent) == 500 ]] || fail "the wide tree sent: $OUT"
used=$(( $(commits) - before ))
# Waiting for each folder's replies cost 222 commits here (a BPUT group and a TREE.PUT
# per folder); reading them late costs about one per level.
(( used <= 30 )) || fail "the backup of 111 folders took $used group commits"
"$ARBOR" restore "$(json_field "$OUT" snapshot_id)" --target "$WORK/out3" >/dev/null
same_tree "$WIDE" "$WORK/out3"

step "many small remote backups: the server folds its index segments (INFO, and a fresh open)"
info_field() { rcli INFO | tr -d '\r' | sed -n "s/^$1://p"; }
segments_before=$(info_field arbor_index_segments)
folds_before=$(info_field arbor_index_folds)
[[ -n $segments_before && -n $folds_before ]] || fail "INFO has no # Index section"
# Each backup stores new blobs, so each writes at least one small segment: 24 more live
# segments unfolded. Folded, at most 7 are left in each of the two lowest tiers
# (what the earlier steps left varies with how the group commits fell, hence relative).
for i in $(seq 1 24); do
  mkdir -p "$WORK/many/$i"
  echo "small backup $i" >"$WORK/many/$i/f"
  "$ARBOR" -q backup --remote "resp://127.0.0.1:$RESP_PORT/default" "$WORK/many/$i" >/dev/null
done
segments=$(info_field arbor_index_segments)
((segments <= segments_before + 14)) || fail "live index segments went from $segments_before to $segments in 24 commits"
(($(info_field arbor_index_folds) >= folds_before + 3)) || fail "too few folds: $(rcli INFO | tr -d '\r' | grep arbor_index)"
opened=$("$ARBOR" --json stats | python3 -c 'import json,sys; print(json.load(sys.stdin)["index_segments"])')
((opened == segments)) || fail "a fresh open reads $opened index segments, the server $segments"
stored=$(find "$ARBOR_REPO" -path '*/index/*' -type f | wc -l)
((stored >= opened + 17)) || fail "the folded segments were deleted under a shared lock ($stored stored)"
