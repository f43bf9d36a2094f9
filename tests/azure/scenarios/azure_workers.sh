#!/usr/bin/env bash
# Azure Files shares backed up by `arbor worker` processes, with the share's credential
# in the catalog (an environment variable's name, or a SAS sealed): a backup job reads the
# share through a new share snapshot, the snapshot restores to a second share that
# Microsoft's SDK finds identical, and the next job reads nothing that did not change.
# A scan splits the share into parts that all read one share snapshot and assembles one
# snapshot. A wrong key and a credential that is not one end the job failed, at the first
# attempt, with a message that says why.
source "$(dirname "$0")/lib_azure.sh"
source "$(dirname "$0")/../../workers/lib_workers.sh"
trap 'rc=$?; stop_emulator; (exit $rc); cleanup_workers' EXIT

start_emulator
export ARBOR_TEST_AZ_KEY="$DEV_KEY"
export ARBOR_TEST_AZ_JUNK="this is not a key"
export ARBOR_CATALOG_KEY=$(openssl rand -hex 32)  # seals credentials given on stdin
export ARBOR_TEST_AZ_WRONG="d3Jvbmcga2V5IGJ5dGVzIGZvciB0aGUgZW11bGF0b3I="  # valid base64, wrong key

run_on() {
  local name=$1 data=data-$1 dst=dst-$1
  REPO="$WORK/repo-$name"
  step "[$name] a tenant and an Azure share whose key the workers find in the environment"
  sdk mkshare "$data"
  sdk fill "$data"
  sdk mkshare "$dst"
  "$ARBOR" tenant add acme >/dev/null
  out=$("$ARBOR" -r "$REPO" share add remote --tenant acme --azure "azfiles://$ACCOUNT/$data" --endpoint "$ENDPOINT" \
    --credential-env ARBOR_TEST_AZ_KEY --json)
  local in_repo=(-r "$REPO" --tenant "$(json_field "$out" tenant_id)" --share "$(json_field "$out" id)")
  start_worker "w-$name"
  start_worker "v-$name"

  step "[$name] a backup job reads the share through a share snapshot"
  J=$("$ARBOR" job submit backup --share remote)
  "$ARBOR" job wait "$J" --timeout 120s >/dev/null || { "$ARBOR" job show "$J"; fail "backup job"; }
  [[ $("$ARBOR" share snapshots remote --tenant acme --json | python3 -c "import json,sys; print(len(json.load(sys.stdin)))") == 1 ]] ||
    fail "the catalog does not list the snapshot"
  [[ $(sdk snapshots "$data" | python3 -c "import json,sys; print(len(json.load(sys.stdin)))") == 1 ]] ||
    fail "expected the one share snapshot the backup made: $(sdk snapshots "$data")"
  "$ARBOR" "${in_repo[@]}" verify --read-data >/dev/null || fail "verify"

  step "[$name] restored to another share, the SDK finds every entry identical"
  out=$(az_json "${in_repo[@]}" restore latest --target "azfiles://$ACCOUNT/$dst")
  [[ $(json_field "$out" errors) == 0 ]] || fail "restore reported errors: $out"
  sdk compare "$data" "" "$dst" ""

  step "[$name] the next backup job reads only what changed"
  sdk bigfile "$data" new.bin 1 7
  reset_stats
  J=$("$ARBOR" job submit backup --share remote)
  "$ARBOR" job wait "$J" --timeout 120s >/dev/null || { "$ARBOR" job show "$J"; fail "second backup job"; }
  served=$(emu_stat file_bytes_served)
  echo "the second backup read $served bytes of file content"
  [[ $served == 1048576 ]] || fail "expected only the new 1 MiB file to be read"

  step "[$name] a scan splits the share over both workers; every part reads one share snapshot"
  sdk bigfile "$data" docs/added.bin 1 8
  reset_stats
  J=$("$ARBOR" job submit scan --share remote --max-files 4)
  "$ARBOR" job wait "$J" --timeout 120s >/dev/null || { "$ARBOR" job show "$J"; fail "scan job"; }
  parts=$("$ARBOR" job list --all --json --limit 1000 |
    python3 -c "import json,sys; print(sum(1 for j in json.load(sys.stdin) if j['parent_id'] == $J and j['type'] == 'backup'))")
  served=$(emu_stat file_bytes_served)
  echo "$parts parts read $served bytes of file content"
  [[ $parts -ge 3 ]] || fail "expected the share split in several parts"
  [[ $served == 1048576 ]] || fail "the parts did not compare with the previous snapshot"
  snaps=$("$ARBOR" "${in_repo[@]}" snapshots --json)
  python3 - "$snaps" "$(sdk snapshots "$data")" <<'PY' || fail "snapshots after the scan"
import json, sys
snaps, shares = json.loads(sys.argv[1]), json.loads(sys.argv[2])
assert len(snaps) == 3, f"{len(snaps)} snapshots, expected 3 (no partial left)"
assert not any(t.startswith("arbor-part-of:") for s in snaps for t in s["tags"]), "a partial snapshot is left"
kept = [s["snapshot"] for s in shares]
assert kept == [snaps[-1]["source_snapshot"]], f"share snapshots {kept}, the assembled one reads {snaps[-1]['source_snapshot']}"
PY
  "$ARBOR" "${in_repo[@]}" verify --read-data >/dev/null || fail "verify after the scan"
  sdk mkshare "$dst-scan"
  out=$(az_json "${in_repo[@]}" restore latest --target "azfiles://$ACCOUNT/$dst-scan")
  sdk compare "$data" "" "$dst-scan" ""

  step "[$name] a forced scan names no parent and still leaves only its own share snapshot"
  J=$("$ARBOR" job submit scan --share remote --max-files 4 --force)
  "$ARBOR" job wait "$J" --timeout 120s >/dev/null || { "$ARBOR" job show "$J"; fail "forced scan job"; }
  snaps=$("$ARBOR" "${in_repo[@]}" snapshots --json)
  python3 - "$snaps" "$(sdk snapshots "$data")" <<'PY' || fail "share snapshots after the forced scan"
import json, sys
snaps, shares = json.loads(sys.argv[1]), json.loads(sys.argv[2])
assert len(snaps) == 4, f"{len(snaps)} snapshots, expected 4"
assert snaps[-1]["parent"] == "", "the forced scan named a parent: the old rule would have released its share snapshot"
kept = [s["snapshot"] for s in shares]
assert kept == [snaps[-1]["source_snapshot"]], f"share snapshots {kept}, the newest snapshot reads {snaps[-1]['source_snapshot']}"
PY

  step "[$name] a SAS token sealed in the catalog works as well"
  sdk sas "$data" 3600 | "$ARBOR" -r "$REPO" share add sealed --tenant acme --azure "azfiles://$ACCOUNT/$data" \
    --endpoint "$ENDPOINT" --credential-stdin >/dev/null
  "$ARBOR" share list --tenant acme | grep sealed | grep -q encrypted || fail "the SAS is not listed as sealed"
  J=$("$ARBOR" job submit backup --share sealed)
  "$ARBOR" job wait "$J" --timeout 120s >/dev/null || { "$ARBOR" job show "$J"; fail "backup with a sealed SAS"; }

  step "[$name] bad credentials fail once, with a clear message"
  "$ARBOR" -r "$REPO" share add wrong --tenant acme --azure "azfiles://$ACCOUNT/$data" --endpoint "$ENDPOINT" \
    --credential-env ARBOR_TEST_AZ_WRONG >/dev/null
  "$ARBOR" -r "$REPO" share add junk --tenant acme --azure "azfiles://$ACCOUNT/$data" --endpoint "$ENDPOINT" \
    --credential-env ARBOR_TEST_AZ_JUNK >/dev/null
  for case in "wrong:backup:authentication failed" "junk:scan:neither a connection string"; do
    IFS=: read -r share type want <<<"$case"
    J=$("$ARBOR" job submit "$type" --share "$share" --max-attempts 5)
    expect_exit 1 "$ARBOR" job wait "$J" --timeout 120s
    err=$(job_field "$J" "j['error']")
    echo "$type of $share: $err"
    [[ $(job_field "$J" "j['attempts']") == 1 ]] || fail "a permanent failure was retried"
    [[ $err == *"$want"* && $err == *"permanent error: not retried"* ]] || fail "unclear error"
    [[ $err != *"$DEV_KEY"* && $err != *"$ARBOR_TEST_AZ_JUNK"* && $err != *"$ARBOR_TEST_AZ_WRONG"* ]] ||
      fail "the error shows a secret"
  done
  kill_worker "w-$name" TERM
  kill_worker "v-$name" TERM
}

step "SQLite"
use_catalog "$WORK/catalog.db"
run_on sqlite

step "PostgreSQL"
start_postgres
use_catalog "$PG_URL"
run_on postgres
echo "PASS"
