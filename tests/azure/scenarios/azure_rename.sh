#!/usr/bin/env bash
# A directory of 10,000 files renamed between two backups: FileIds survive the
# rename, so the second backup matches the directory by id, compares its files with
# their old selves and reads no content; every file keeps its node id (the FileId).
source "$(dirname "$0")/lib_azure.sh"
mkdir -p "$WORK/emu"
"$EMU_BIN" --data "$WORK/emu" --populate "renames:1:10000" > /dev/null  # d000000/f00000.dat ... f09999.dat
start_emulator
URL="azfiles://$ACCOUNT/renames"
arbor_init > /dev/null

ids() {  # ids DIR: "name id" per file of the latest snapshot
  "$ARBOR" ls latest "$1" --json | python3 -c '
import json, sys
for line in sys.stdin:
    n = json.loads(line)
    if n["type"] == "file": print(n["name"], n["inode"])' | sort
}

step "first backup reads every file"
out=$(az_json backup "$URL")
[[ $(json_field "$out" files_read) == 10000 ]] || fail "first backup: $out"
ids /d000000 > "$WORK/before"
[[ $(wc -l < "$WORK/before") == 10000 ]] || fail "expected 10000 files in the snapshot"

step "rename the directory through the SDK"
sdk rename renames d000000 "renamed dir"

step "second backup reads nothing; node ids follow the files"
reset_stats
out=$(az_json backup "$URL")
[[ $(json_field "$out" files_read) == 0 && $(json_field "$out" bytes_read) == 0 ]] || fail "second backup read content: $out"
[[ $(json_field "$out" files_total) == 10000 ]] || fail "second backup lost files: $out"
[[ $(emu_stat file_bytes_served) == 0 ]] || fail "the emulator served file content"
ids "/renamed dir" > "$WORK/after"
diff -q "$WORK/before" "$WORK/after" > /dev/null || fail "node ids changed across the rename"
echo "PASS"
