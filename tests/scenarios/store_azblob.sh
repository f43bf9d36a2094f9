#!/usr/bin/env bash
# A repository in Azure Blob Storage (azblob://), against Azurite started here: round trip,
# forget --prune, a backup killed mid-upload, the server restarted during a backup, wrong
# credentials and a missing container. Every pack blob is also read back through
# Microsoft's SDK (tests/js/azblob_tool.mjs) and must hash to its name: no torn pack is
# ever visible.
source "$(dirname "$0")/lib.sh"
JS="$(cd "$(dirname "$0")/../js" && pwd)"
source "$(dirname "$0")/../support/servers.sh"
trap 'stop_servers; rm -rf "$WORK"' EXIT
start_azurite repo
export ARBOR_REPO="azblob://devstoreaccount1/repo/backups"

# Every pack blob, downloaded by the SDK, hashes to its name.
packs_intact() {
  node "$JS/azblob_tool.mjs" manifest repo backups/ | python3 -c '
import json, sys
n = 0
for line in sys.stdin:
    b = json.loads(line)
    name = b["name"]
    if "/packs/" in name:
        n += 1
        want = name.rsplit("/", 1)[1].removesuffix(".tar")
        assert b["sha256"] == want and b["read"] == b["size"], "torn or damaged pack: %r" % b
print(n)'
}

S="$WORK/src"
mkdir -p "$S/docs" "$S/media"
for i in $(seq 1 300); do echo "document $i" > "$S/docs/d$i.txt"; done
random_file "$S/media/big.bin" $((40 * 1024 * 1024)) 1  # over one 32 MiB pack: several packs, many blocks

step "init and a first backup into the container"
arbor_init >/dev/null
out=$(arbor_json backup "$S")
[[ $(json_field "$out" files_read) == 301 ]] || fail "first backup: $out"

step "restore is identical; verify --read-data is clean"
id=$("$ARBOR" snapshots --json | python3 -c "import json,sys; print(json.load(sys.stdin)[-1]['id'])")
"$ARBOR" restore "$id" --target "$WORK/r1" -q >/dev/null
same_tree "$S" "$WORK/r1$S"
"$ARBOR" verify --read-data -q >/dev/null || fail "verify after the first backup"
[[ $(packs_intact) -ge 2 ]] || fail "expected the 40 MiB file in at least two packs"

step "a second backup, then forget --keep-last 1 --prune"
rm "$S/docs/d1.txt"; echo "new" > "$S/docs/new.txt"
random_file "$S/media/big.bin" $((40 * 1024 * 1024)) 2  # all new content: the old packs become garbage
"$ARBOR" backup "$S" -q >/dev/null
"$ARBOR" forget --keep-last 1 --prune -q >/dev/null
[[ $("$ARBOR" snapshots --json | python3 -c "import json,sys; print(len(json.load(sys.stdin)))") == 1 ]] ||
  fail "forget kept more than one snapshot"
"$ARBOR" verify --read-data -q >/dev/null || fail "verify after prune"
"$ARBOR" restore latest --target "$WORK/r2" -q >/dev/null
same_tree "$S" "$WORK/r2$S"

step "kill -9 mid-upload, then a new backup: verify --read-data is clean"
random_file "$S/media/big2.bin" $((96 * 1024 * 1024)) 3
# Slowed to 8 MiB/s so the kill lands while packs are going up.
"$ARBOR" --limit-upload 8192 backup "$S" -q >/dev/null 2>&1 &
pid=$!
sleep 4
kill -9 "$pid"
wait "$pid" 2>/dev/null && fail "the backup finished before it was killed"
packs_intact >/dev/null
"$ARBOR" backup "$S" -q >/dev/null
"$ARBOR" verify --read-data -q >/dev/null || fail "verify after a killed backup"
"$ARBOR" restore latest --target "$WORK/r3" -q >/dev/null
same_tree "$S" "$WORK/r3$S"

step "the server stops and starts again during a backup"
random_file "$S/media/big3.bin" $((64 * 1024 * 1024)) 4
"$ARBOR" --limit-upload 8192 backup "$S" -q >"$WORK/restart.out" 2>"$WORK/restart.err" &
pid=$!
sleep 3
kill_server "$AZURITE_PID" TERM
sleep 2
run_azurite
set +e; wait "$pid"; rc=$?; set -e
echo "backup across the restart exited $rc: $(tail -n 1 "$WORK/restart.err")"
# Either it rode out the restart through retries, or it failed cleanly; the next one is whole.
"$ARBOR" backup "$S" -q >/dev/null
"$ARBOR" verify --read-data -q >/dev/null || fail "verify after the restart"
"$ARBOR" restore latest --target "$WORK/r4" -q >/dev/null
same_tree "$S" "$WORK/r4$S"
packs_intact >/dev/null

step "wrong credentials: a clear error, exit 12, no secret printed"
WRONG="d3JvbmcgYnV0IHdlbGwgZm9ybWVkIGtleSBieXRlcyE="
good="$AZURE_STORAGE_CONNECTION_STRING"
export AZURE_STORAGE_CONNECTION_STRING="${good/$AZURITE_KEY/$WRONG}"
expect_exit 12 "$ARBOR" snapshots
expect_stderr "check the account key or SAS token"
grep -q -e "$WRONG" -e "$AZURITE_KEY" "$WORK/last.out" "$WORK/last.err" && fail "a key was printed"
export AZURE_STORAGE_CONNECTION_STRING="$good"

step "a container that does not exist: a clear error, nothing created"
expect_exit 10 "$ARBOR" -r azblob://devstoreaccount1/no-such-container snapshots
expect_stderr "container 'no-such-container' does not exist"
expect_exit 1 "$ARBOR" -r azblob://devstoreaccount1/no-such-container init
expect_stderr "never creates containers"
unset AZURE_STORAGE_CONNECTION_STRING
expect_exit 12 "$ARBOR" snapshots
expect_stderr "no credentials for Azure storage account 'devstoreaccount1'"
echo "PASS"
