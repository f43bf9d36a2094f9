#!/usr/bin/env bash
# Under 10% injected 503 ServerBusy and 50 ms of latency per request, a backup and a
# restore to another share complete (the client retries with backoff) and the
# restored share is identical through the SDK.
source "$(dirname "$0")/lib_azure.sh"
start_emulator
sdk mkshare src
sdk fill src
sdk mkshare dst
arbor_init > /dev/null

step "back up and restore under faults"
faults "latency_ms=50&busy_rate=0.1"
out=$(az_json backup "azfiles://$ACCOUNT/src")
[[ $(json_field "$out" errors) == 0 ]] || fail "backup: $out"
out=$(az_json restore latest --target "azfiles://$ACCOUNT/dst")
[[ $(json_field "$out" errors) == 0 ]] || fail "restore: $out"
busy=$(curl -sf "$EMU_BASE/__emulator/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["faults_injected"].get("server_busy", 0))')
echo "the emulator answered $busy requests with 503"
[[ $busy -gt 0 ]] || fail "no 503 was injected"

step "compare without faults"
faults "latency_ms=0&busy_rate=0"
sdk compare src "" dst ""
"$ARBOR" verify -q > /dev/null || fail "verify"
echo "PASS"
