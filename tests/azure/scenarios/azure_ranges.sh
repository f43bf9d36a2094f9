#!/usr/bin/env bash
# A 64 MiB file with 1% of its 64 KiB ranges rewritten between two backups: the
# second backup asks the share for the changed ranges only (List Ranges against the
# share snapshot the first backup kept), reuses every untouched chunk and amends the
# QuickXorHash; the emulator's file_bytes_served shows ~1% of the file was read.
# The restored file matches the SDK's MD5, and its QuickXorHash matches rclone's.
source "$(dirname "$0")/lib_azure.sh"
start_emulator
URL="azfiles://$ACCOUNT/big"
MiB=$((1024 * 1024))
sdk mkshare big
sdk mkdir big data
sdk bigfile big "data/large.bin" 64 1
arbor_init > /dev/null

step "first backup reads the whole file"
out=$(az_json backup "$URL")
[[ $(json_field "$out" bytes_read) == $((64 * MiB)) ]] || fail "first backup: $out"

step "rewrite 1% of the file's 64 KiB ranges through the SDK"
written=$(sdk patch big data/large.bin 1 64 5)
[[ $written -gt 0 ]] || fail "patch wrote nothing"

step "second backup reads about 1% of the file"
reset_stats
out=$(az_json backup "$URL")
served=$(emu_stat file_bytes_served)
echo "changed $written bytes; the emulator served $served bytes for the second backup"
[[ $served -ge $written && $served -le $((64 * MiB / 50)) ]] || fail "served $served bytes (want ~1% of 64 MiB): $out"
[[ $(json_field "$out" files_read) == 1 ]] || fail "second backup: $out"

step "restore: content and QuickXorHash are those of the file on the share"
"$ARBOR" restore latest --target "$WORK/out" -q > /dev/null
[[ $(md5sum < "$WORK/out/data/large.bin" | cut -d' ' -f1) == $(sdk md5 big data/large.bin) ]] || fail "content differs"
qxh=$("$ARBOR" ls latest /data --json | python3 -c '
import json, sys
for line in sys.stdin:
    n = json.loads(line)
    if n["name"] == "large.bin": print(n["quickxor"])')
[[ "$qxh" == $(rclone hashsum quickxor "$WORK/out/data/large.bin" | cut -d' ' -f1) ]] || fail "QuickXorHash $qxh is wrong"
"$ARBOR" verify --read-data -q > /dev/null || fail "verify --read-data"
echo "PASS"
