#!/usr/bin/env bash
# arbor copy between every kind of store, against real servers started here (Azurite,
# s3rver, sshd): local -> Azure Blob -> S3 -> SFTP -> a second local directory, each
# target made a replica; the last restores identical to the source and verifies; a second
# copy sends nothing (--json summary); a new snapshot sends only its new data; bad
# invocations and a refused target fail clearly and leave the target untouched.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/../support/servers.sh"
trap 'stop_servers; rm -rf "$WORK"' EXIT
start_azurite copies
start_s3rver copies
start_sshd

LOCAL="$WORK/repo"
AZ="azblob://devstoreaccount1/copies/office"
S3="s3://copies/office"
SFTP="sftp://$SFTP_USER_AT$WORK/remote/office"
BACK="$WORK/back"
export ARBOR_REPO="$LOCAL"

S="$WORK/src"
mkdir -p "$S/docs" "$S/empty-dir"
for i in $(seq 1 300); do echo "document $i" >"$S/docs/d$i.txt"; done
random_file "$S/big.bin" $((20 * 1024 * 1024)) 1
ln -s docs/d1.txt "$S/link"

summary_field() {  # summary_field JSON-LINES KEY: KEY of the summary object
  printf '%s\n' "$1" | python3 -c "
import json, sys
for line in sys.stdin:
    o = json.loads(line)
    if o.get('message_type') == 'summary': print(o['$2'])"
}

step "a local repository with two snapshots (encrypted, as arbor init makes them)"
arbor_init -q >/dev/null
"$ARBOR" backup "$S" -q --tag first >/dev/null
echo "changed" >>"$S/docs/d1.txt"
"$ARBOR" backup "$S" -q --tag second >/dev/null
# A snapshot's id names its stored object: in an encrypted repository that object is sealed
# with a fresh nonce, so a copied snapshot gets a new id (as restic's copies do). The same
# snapshot is the same tree taken at the same time.
snapshot_keys() { "$ARBOR" "$@" snapshots --json |
  python3 -c 'import json,sys; print(" ".join(sorted(s["tree"] + "@" + str(s["time_ns"]) for s in json.load(sys.stdin))))'; }
SOURCE_IDS=$(snapshot_keys)

step "bad invocations: no snapshot named, a snapshot that does not exist"
expect_exit 1 "$ARBOR" copy --to "$AZ"
expect_stderr "name the snapshots to copy, or give --all"
expect_exit 1 "$ARBOR" copy deadbeef --to "$AZ"
expect_stderr "no snapshot matches 'deadbeef'"
[[ -z "$(node "$SERVERS_JS/azblob_tool.mjs" manifest copies)" ]] ||
  fail "a failed copy wrote into the target"

step "local -> Azure Blob (a new replica), then Azure Blob -> S3 -> SFTP -> local"
prev="$LOCAL"
for to in "$AZ" "$S3" "$SFTP" "$BACK"; do
  out=$(arbor_json -r "$prev" copy --all --to "$to")
  [[ $(summary_field "$out" created_replica) == True ]] || fail "$to was not created as a replica: $out"
  [[ $(summary_field "$out" snapshots_copied) == 2 ]] || fail "copy to $to: $out"
  [[ $(summary_field "$out" blobs_copied) -gt 0 ]] || fail "copy to $to sent no blobs: $out"
  ids=$(snapshot_keys -r "$to")
  [[ "$ids" == "$SOURCE_IDS" ]] || fail "snapshots of $to: '$ids', want '$SOURCE_IDS'"
  prev="$to"
done

step "the last repository verifies and restores identical"
"$ARBOR" -r "$BACK" verify --read-data -q >/dev/null || fail "verify --read-data of the last copy"
"$ARBOR" -r "$BACK" restore latest --target "$WORK/restored" -q >/dev/null
same_tree "$S" "$WORK/restored$S"
cmp "$WORK/repo/default/default/config" "$BACK/default/default/config" || fail "the replica's config differs"

step "a second copy sends nothing"
out=$(arbor_json -r "$S3" copy --all --to "$SFTP")
for k in blobs_copied trees_copied bytes_sent bytes_read packs_written snapshots_copied; do
  [[ $(summary_field "$out" "$k") == 0 ]] || fail "second copy: $k is not 0: $out"
done
[[ $(summary_field "$out" snapshots_present) == 2 ]] || fail "second copy: $out"

step "a new snapshot sends only its new data; --tag chooses it"
random_file "$S/new.bin" $((3 * 1024 * 1024)) 7
"$ARBOR" backup "$S" -q --tag third >/dev/null
out=$(arbor_json copy --all --tag third --to "$AZ")
[[ $(summary_field "$out" snapshots_copied) == 1 && $(summary_field "$out" snapshots_present) == 0 ]] ||
  fail "--tag third: $out"
sent=$(summary_field "$out" bytes_sent)
(( sent > 3 * 1024 * 1024 && sent < 4 * 1024 * 1024 )) || fail "the new snapshot sent $sent bytes, want about 3 MiB"
"$ARBOR" -r "$AZ" restore latest --target "$WORK/restored3" -q >/dev/null
same_tree "$S" "$WORK/restored3$S"

step "human output and latest"
"$ARBOR" -r "$AZ" copy latest --to "$S3" >"$WORK/human.out"
grep -q "copied 1 snapshots (0 already there)" "$WORK/human.out" || { cat "$WORK/human.out"; fail "human summary"; }

step "a separately made encrypted target has another id key: refused, nothing written"
OTHER_ENC="$WORK/other-encrypted"
arbor_init -q -r "$OTHER_ENC" >/dev/null
before=$(find "$OTHER_ENC" -type f | sort | xargs sha256sum)
expect_exit 1 "$ARBOR" copy --all --to "$OTHER_ENC"
expect_stderr "another id key"
[[ $(find "$OTHER_ENC" -type f | sort | xargs sha256sum) == "$before" ]] || fail "a refused copy wrote into the target"

step "two unencrypted repositories made apart: copied, deduplicated against what the target has"
PLAIN="$WORK/plain"
OTHER="$WORK/other"
"$ARBOR" -r "$PLAIN" init --insecure-no-encryption -q >/dev/null 2>&1
"$ARBOR" -r "$PLAIN" --insecure-no-encryption backup "$S" -q >/dev/null
"$ARBOR" -r "$OTHER" init --insecure-no-encryption -q >/dev/null 2>&1
"$ARBOR" -r "$OTHER" --insecure-no-encryption backup "$S" -q >/dev/null
out=$("$ARBOR" -r "$PLAIN" --insecure-no-encryption --json copy --all --to "$OTHER")
[[ $(summary_field "$out" created_replica) == False && $(summary_field "$out" snapshots_copied) == 1 ]] ||
  fail "copy into another repository: $out"
# Its own chunker (another gear seed) cuts the large files elsewhere, but each of the 300
# small documents is one blob with the same SHA-256 id in both: none of them is sent.
(( $(summary_field "$out" blobs_copied) < 100 )) || fail "the small files the target had were sent again: $out"
"$ARBOR" -r "$OTHER" verify --read-data -q >/dev/null || fail "verify of the other repository"

step "a target location that is not a repository store at all"
expect_exit 10 "$ARBOR" copy --all --to "azblob://devstoreaccount1/no-such-container"
expect_stderr "copy target"

# "KEY KIND TIER" lines of a target (KIND from the pack's own table of contents,
# tests/js/pack_kind.mjs): data packs must be in $2, tree packs and every other object hot ($3).
check_tiers() {  # check_tiers LISTING-FILE COLD-TIER HOT-TIER
  python3 - "$@" <<'PY'
import sys
lines = [l.split() for l in open(sys.argv[1]) if l.strip()]
cold, hot = sys.argv[2], sys.argv[3]
problems, count = [], {"data": 0, "tree": 0, "-": 0}
for key, kind, tier in lines:
    count[kind] += 1
    want = cold if kind == "data" else hot
    if tier != want: problems.append(f"{kind} object {key} is {tier}, want {want}")
if not all(count.values()): problems.append(f"expected data packs, tree packs and other objects: {count}")
if problems: sys.exit("\n".join(problems))
PY
}

step "--pack-tier: data packs cold, everything else hot (Azurite: Get Blob Properties)"
# From the unencrypted repository: an encrypted pack's table of contents is sealed, so
# only an unencrypted pack tells an outside reader whether it holds data or trees.
arbor_json -r "$PLAIN" --insecure-no-encryption copy --all --pack-tier Cool --to "azblob://devstoreaccount1/copies/cold" >/dev/null
node "$SERVERS_JS/azblob_tool.mjs" tiers copies cold/ >"$WORK/tiers.txt"
check_tiers "$WORK/tiers.txt" Cool Hot || { cat "$WORK/tiers.txt"; fail "Azure Blob tiers"; }
"$ARBOR" -r "azblob://devstoreaccount1/copies/cold" ls latest >/dev/null || fail "ls of the cold copy"

step "--pack-tier: S3 storage class on data packs only (s3rver: HeadObject)"
arbor_json -r "$PLAIN" --insecure-no-encryption copy --all --pack-tier DEEP_ARCHIVE --to "s3://copies/cold" >/dev/null
node "$SERVERS_JS/s3_sdk_tool.mjs" classes "$ARBOR_S3_ENDPOINT" copies cold/ >"$WORK/classes.txt"
check_tiers "$WORK/classes.txt" DEEP_ARCHIVE - || { cat "$WORK/classes.txt"; fail "S3 storage classes"; }

step "--pack-tier: a tier the backend does not have is refused before anything is written"
expect_exit 1 "$ARBOR" copy --all --pack-tier Freezing --to "s3://copies/refused"
expect_stderr "is not one of STANDARD"
[[ -z "$(node "$SERVERS_JS/s3_sdk_tool.mjs" classes "$ARBOR_S3_ENDPOINT" copies refused/)" ]] ||
  fail "a refused copy wrote objects"
expect_exit 0 "$ARBOR" copy --all --pack-tier Cool --to "$WORK/local-cold"
expect_stderr "ignored"
