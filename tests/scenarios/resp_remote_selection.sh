#!/usr/bin/env bash
# `arbor backup --remote` of several folders with the local backup's selection options
# (docs/resp.md, "Remote backup"): what --exclude, --exclude-caches and
# --exclude-larger-than leave out of a local backup is left out of the remote snapshot
# too (`arbor ls --remote` lists exactly what the local `arbor ls` lists below the
# folders), both folders are in it, each under its own name, and a restore gives both
# back. Two folders of the same name, and options a RESP snapshot cannot record, are
# refused before anything is sent.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/resp_lib.sh"
arbor_init -q

mkdir -p "$WORK/photos/raw" "$WORK/docs/cache" "$WORK/docs/notes"
echo "a photo" >"$WORK/photos/a.jpg"
echo "a temporary file" >"$WORK/photos/a.jpg.tmp"
echo "another" >"$WORK/photos/raw/b.tmp"
echo "kept" >"$WORK/photos/raw/b.raw"
echo "a report" >"$WORK/docs/report.txt"
printf 'Signature: 8a477f597d28d172789f06886806bc55\n' >"$WORK/docs/cache/CACHEDIR.TAG"
echo "cached" >"$WORK/docs/cache/entry"
echo "a note" >"$WORK/docs/notes/note.txt"
echo "a draft" >"$WORK/docs/notes/draft.txt"
random_file "$WORK/docs/notes/large.bin" 300000 5
SELECT=(--exclude '*.tmp' --exclude "$WORK/docs/notes/draft.txt" --exclude-caches --exclude-larger-than 200K)

resp_start
URL="resp://127.0.0.1:$RESP_PORT/default"

step "refused before anything is sent: two folders of one name, options a RESP snapshot cannot hold"
mkdir -p "$WORK/x/docs"
expect_exit 1 "$ARBOR" backup --remote "$URL" "$WORK/docs" "$WORK/x/docs"
expect_stderr "two are named 'docs'"
expect_exit 1 "$ARBOR" backup --remote "$URL" --tag t "$WORK/docs"
expect_stderr "backup --remote takes folders and the selection options"
expect_exit 1 "$ARBOR" backup --remote "$URL" --exclude-file "$WORK/missing" "$WORK/docs"
[[ $(rcli SNAP.LIST) == "" ]] || fail "a refused backup committed a snapshot: $(rcli SNAP.LIST)"

step "one remote backup of two folders with the selection options"
OUT=$("$ARBOR" --json backup --remote "$URL" "${SELECT[@]}" "$WORK/photos" "$WORK/docs" | tail -n 1)
S=$(json_field "$OUT" snapshot_id)
[[ $(json_field "$OUT" files_total) == 4 ]] || fail "expected 4 files sent: $OUT"
"$ARBOR" ls --remote "$URL" "$S" >"$WORK/ls.remote"
expected='/docs
/docs/cache
/docs/notes
/docs/notes/note.txt
/docs/report.txt
/photos
/photos/a.jpg
/photos/raw
/photos/raw/b.raw'
[[ "$(cat "$WORK/ls.remote")" == "$expected" ]] || {
  diff <(echo "$expected") "$WORK/ls.remote" >&2
  fail "ls --remote of the two-folder backup"
}

step "the local backup with the same options selects the same entries (the shared rules)"
LOCAL=$(json_field "$("$ARBOR" --json backup "${SELECT[@]}" "$WORK/photos" "$WORK/docs" | tail -n 1)" snapshot_id)
"$ARBOR" ls "$LOCAL" | grep -e "^$WORK/photos" -e "^$WORK/docs" | sed "s|^$WORK||" >"$WORK/ls.local"
diff "$WORK/ls.local" "$WORK/ls.remote" >&2 || fail "remote and local selections differ"

step "the snapshot is listed under both folders; a restore gives both back"
"$ARBOR" --json snapshots --host resp:default | python3 -c "
import json, sys
snaps = json.load(sys.stdin)
assert [s['paths'] for s in snaps] == [['$WORK/photos', '$WORK/docs']], snaps
" || fail "the snapshot's paths"
"$ARBOR" restore --remote "$URL" "$S" --target "$WORK/out" >/dev/null
[[ $(cat "$WORK/out/photos/a.jpg") == "a photo" && $(cat "$WORK/out/docs/report.txt") == "a report" ]] ||
  fail "restored content"
[[ ! -e "$WORK/out/photos/a.jpg.tmp" && -z $(ls -A "$WORK/out/docs/cache") ]] || fail "excluded entries restored"

step "the same two folders again: the first snapshot's child, no blob sent"
OUT=$("$ARBOR" --json backup --remote "$URL" "${SELECT[@]}" "$WORK/docs" "$WORK/photos" | tail -n 1)
[[ $(json_field "$OUT" blobs_sent) == 0 ]] || fail "the unchanged folders sent blobs: $OUT"
S2=$(json_field "$OUT" snapshot_id)
[[ $("$ARBOR" --json snapshots --host resp:default | python3 -c "
import json, sys
print([s['parent'] for s in json.load(sys.stdin) if s['id'] == '$S2'][0])") == "$S" ]] ||
  fail "the second backup of the two folders is not the first one's child"
resp_stop
echo "resp_remote_selection: ok"
