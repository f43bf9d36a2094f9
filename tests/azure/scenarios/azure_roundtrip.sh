#!/usr/bin/env bash
# Round trip of an Azure Files share through arbor, checked with Microsoft's SDK:
# a tree with every SMB attribute, several security descriptors (one over 8 KiB),
# metadata, unicode and space names, empty, sparse and multi-MiB files is backed up
# from a share snapshot, restored to a second share and compared entry by entry
# (names, sizes, MD5 of content, attributes, creation/last-write/change times, SDDL,
# metadata). Then: an unchanged backup reads nothing; the share snapshot of the
# latest backup is the only one kept; restores to a local folder, of one directory
# below a path, and with each --overwrite policy; --snapshot and --live.
source "$(dirname "$0")/lib_azure.sh"
start_emulator
SRC="azfiles://$ACCOUNT/src"

step "fill share 'src' through the SDK"
sdk mkshare src
sdk fill src
sdk mkshare dst
arbor_init > /dev/null

step "back up $SRC"
out=$(az_json backup "$SRC")
[[ $(json_field "$out" errors) == 0 ]] || fail "backup reported errors: $out"
snap1=$(json_field "$out" source_snapshot)
[[ -n "$snap1" ]] || fail "no share snapshot recorded: $out"
[[ $(json_field "$out" bytes_read) -lt $((16 * 1024 * 1024)) ]] || fail "the sparse file's holes were read: $out"
python3 - "$(sdk snapshots src)" "$snap1" <<'PY' || fail "expected the one share snapshot arbor made: $(sdk snapshots src)"
import json, sys
snaps = json.loads(sys.argv[1])
assert [s["snapshot"] for s in snaps] == [sys.argv[2]], snaps
meta = snaps[0]["metadata"]
assert meta["arbor"] == "backup" and len(meta["arborrepo"]) == 64, meta  # made by arbor, for this repository
PY

step "restore to share 'dst' and compare everything through the SDK"
out=$(az_json restore latest --target "azfiles://$ACCOUNT/dst")
[[ $(json_field "$out" errors) == 0 ]] || fail "restore reported errors: $out"
sdk compare src "" dst ""

step "an unchanged second backup reads nothing and keeps only its own share snapshot"
out=$(az_json backup "$SRC")
[[ $(json_field "$out" files_read) == 0 && $(json_field "$out" bytes_read) == 0 ]] || fail "re-read: $out"
snap2=$(json_field "$out" source_snapshot)
[[ "$snap2" != "$snap1" ]] || fail "the second backup reused the first share snapshot"
[[ $(sdk snapshots src | python3 -c 'import json,sys; print(",".join(s["snapshot"] for s in json.load(sys.stdin)))') == "$snap2" ]] ||
  fail "share snapshots after two backups: $(sdk snapshots src)"

step "two --force backups (no parent) still leave only the latest one's share snapshot"
az_arbor backup "$SRC" --force -q > /dev/null
out=$(az_json backup "$SRC" --force)
[[ $(json_field "$out" parent) == "" ]] || fail "--force named a parent: $out"
snap3=$(json_field "$out" source_snapshot)
[[ $(sdk snapshots src | python3 -c 'import json,sys; print(",".join(s["snapshot"] for s in json.load(sys.stdin)))') == "$snap3" ]] ||
  fail "share snapshots after two forced backups: $(sdk snapshots src), the latest records $snap3"

step "restore to a local folder: content matches the SDK's MD5s"
"$ARBOR" restore latest --target "$WORK/local" -q > /dev/null
sdk manifest src | python3 -c '
import hashlib, json, sys
root = sys.argv[1]
for line in sys.stdin:
    e = json.loads(line)
    if e["type"] != "file": continue
    got = hashlib.md5(open(root + "/" + e["path"], "rb").read()).hexdigest()
    if got != e["md5"]: sys.exit("local copy of %s differs" % e["path"])
' "$WORK/local"

step "restore one directory below a path of 'dst'"
az_arbor restore latest --target "azfiles://$ACCOUNT/dst/restored/here" --include /docs -q > /dev/null
sdk compare src docs dst restored/here/docs

step "--overwrite: never keeps a changed file, if-changed and always replace it"
sdk bigfile dst "restored/here/docs/hidden.txt" 1 77
changed=$(sdk md5 dst "restored/here/docs/hidden.txt")
out=$(az_json restore latest --target "azfiles://$ACCOUNT/dst/restored/here" --include /docs --overwrite never)
[[ $(json_field "$out" files_skipped) -ge 1 && $(sdk md5 dst restored/here/docs/hidden.txt) == "$changed" ]] ||
  fail "--overwrite never replaced a file: $out"
out=$(az_json restore latest --target "azfiles://$ACCOUNT/dst/restored/here" --include /docs --overwrite if-changed)
[[ $(json_field "$out" files_restored) == 1 ]] || fail "--overwrite if-changed should restore exactly the changed file: $out"
sdk compare src docs dst restored/here/docs

step "--snapshot reads a given share snapshot and keeps it; --live reads the share"
out=$(az_json backup "$SRC" --snapshot "$snap3")
[[ $(json_field "$out" source_snapshot) == "$snap3" && $(json_field "$out" files_read) == 0 ]] || fail "--snapshot: $out"
out=$(az_json backup "$SRC" --live)
[[ $(json_field "$out" source_snapshot) == "" && $(json_field "$out" files_read) == 0 ]] || fail "--live: $out"
[[ $(sdk snapshots src) == "[]" ]] || fail "the share snapshot of an earlier backup was not removed: $(sdk snapshots src)"

step "verify"
"$ARBOR" verify -q > /dev/null || fail "verify"
echo "PASS"
