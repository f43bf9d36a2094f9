#!/usr/bin/env bash
# Bad input from the service or the user: a wrong key, an expired SAS, a missing share,
# malformed XML and truncated bodies each end with a clear message and exit code 1,
# and leave nothing behind: no arbor snapshot, a repository that verifies, and no
# share snapshot (the one created for the failed backup is deleted).
source "$(dirname "$0")/lib_azure.sh"
start_emulator
URL="azfiles://$ACCOUNT/src"
sdk mkshare src
sdk fill src
arbor_init > /dev/null

nothing_written() {
  [[ $("$ARBOR" snapshots --json) == "[]" ]] || fail "a snapshot was written: $("$ARBOR" snapshots --json)"
  "$ARBOR" verify -q > /dev/null || fail "verify after a failed backup"
  [[ $(sdk snapshots src) == "[]" ]] || fail "a share snapshot was left behind: $(sdk snapshots src)"
}

step "wrong key"
AZURE_STORAGE_KEY="$(printf 'not the key, but base64 %.0s' {1..3} | base64 -w0)" expect_exit 1 az_arbor backup "$URL"
expect_stderr "authentication failed"
grep -q "$DEV_KEY" "$WORK/last.err" "$WORK/last.out" && fail "a secret was printed"
nothing_written

step "expired SAS"
sas=$(sdk sas src -3600)
expect_exit 1 az_arbor backup "$URL" --sas-token "$sas"
expect_stderr "authentication failed"
grep -q "sig=" "$WORK/last.err" "$WORK/last.out" && fail "the SAS signature was printed"
nothing_written

step "missing share"
expect_exit 1 az_arbor backup "azfiles://$ACCOUNT/nosuchshare"
expect_stderr "does not exist"
expect_exit 1 az_arbor backup "$URL/no/such/dir"
expect_stderr "does not exist"
nothing_written

step "malformed XML"
faults "corrupt_xml_rate=1"
expect_exit 1 az_arbor backup "$URL" --retry-time-limit 3
expect_stderr "malformed"
faults "corrupt_xml_rate=0"
nothing_written

step "truncated bodies"
faults "truncate_rate=1"
expect_exit 1 az_arbor backup "$URL" --retry-time-limit 3
expect_stderr "truncated"
faults "truncate_rate=0"
nothing_written

step "a restore to a missing share"
az_arbor backup "$URL" -q > /dev/null
expect_exit 1 az_arbor restore latest --target "azfiles://$ACCOUNT/nosuchshare"
expect_stderr "does not exist"
echo "PASS"
