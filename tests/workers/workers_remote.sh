#!/usr/bin/env bash
# Workers on one shared remote repository per share, with no shared folder: a share backed
# up into Azure Blob Storage (Azurite) and one into S3 (s3rver), both recorded in the
# catalog by `share add --repo URL`; three workers on a PostgreSQL catalog take the jobs,
# one is killed -9 in the middle of a backup, another worker finishes it; every snapshot
# verifies byte by byte from another process and restores to the original files.
source "$(dirname "$0")/../scenarios/lib.sh"
source "$(dirname "$0")/lib_workers.sh"
JS="$(cd "$(dirname "$0")/../js" && pwd)"
[[ -x "$JS/node_modules/.bin/azurite-blob" && -f "$JS/node_modules/s3rver/bin/s3rver.js" ]] ||
  fail "azurite and s3rver are not installed: run npm ci in $JS"

wait_port() {  # wait_port PORT LOG
  for _ in $(seq 1 600); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  cat "$2" >&2
  fail "no server on port $1"
}

step "Azurite and s3rver on loopback ports, a container and a bucket"
AZ_PORT=$(free_port)
mkdir -p "$WORK/azurite"
"$JS/node_modules/.bin/azurite-blob" --blobHost 127.0.0.1 --blobPort "$AZ_PORT" --location "$WORK/azurite" \
  --skipApiVersionCheck --loose --disableTelemetry --silent >>"$WORK/azurite.log" 2>&1 &
SERVER_PIDS+=($!)
S3_PORT=$(free_port)
# --openssl-legacy-provider: s3rver makes continuation tokens with DES.
node --openssl-legacy-provider "$JS/node_modules/s3rver/bin/s3rver.js" -d "$WORK/s3data" -a 127.0.0.1 \
  -p "$S3_PORT" --configure-bucket arbor >>"$WORK/s3rver.log" 2>&1 &
SERVER_PIDS+=($!)
wait_port "$AZ_PORT" "$WORK/azurite.log"
wait_port "$S3_PORT" "$WORK/s3rver.log"
KEY="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
# The workers (started below) inherit the stores' credentials from their environment.
export AZURE_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$KEY;BlobEndpoint=http://127.0.0.1:$AZ_PORT/devstoreaccount1;"
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER ARBOR_S3_ENDPOINT="http://127.0.0.1:$S3_PORT"
node "$JS/azblob_tool.mjs" mkcontainer repo
AZ_REPO="azblob://devstoreaccount1/repo/fleet"
S3_REPO="s3://arbor/fleet"

start_postgres
use_catalog "$PG_URL"
make_tree "$WORK/blue" 20000 1
make_tree "$WORK/green" 20000 2
mkdir -p "$WORK/blue/zz"  # walked last: the backup is still uploading it when w1 is killed
random_file "$WORK/blue/zz/big.bin" $((48 * 1024 * 1024)) 4
random_file "$WORK/green/big.bin" $((40 * 1024 * 1024)) 3  # more than a pack: a multipart upload

step "two shares, each recorded with its remote repository"
tenant_add acme
out=$("$ARBOR" share add blue --tenant acme --path "$WORK/blue" --repo "$AZ_REPO" --json)
BLUE=$(json_field "$out" id)
TENANT=$(json_field "$out" tenant_id)
out=$("$ARBOR" share add green --tenant acme --path "$WORK/green" --repo "$S3_REPO" --json)
GREEN=$(json_field "$out" id)
"$ARBOR" share list --json | python3 -c "
import json, sys
rows = json.load(sys.stdin)
repos = {s['name']: s['repository_id'] for s in (rows if isinstance(rows, list) else rows['shares'])}
assert repos['blue'] and repos['green'] and repos['blue'] != repos['green'], repos
" || fail "the catalog does not record a repository for each share"

step "three workers; the one running blue's backup is killed -9 mid-backup"
blue_job=$("$ARBOR" job submit backup --share "$BLUE" --max-attempts 3)
start_worker w1
wait_running "$blue_job" w1
green_job=$("$ARBOR" job submit backup --share "$GREEN" --max-attempts 3)
start_worker w2
start_worker w3
for _ in $(seq 1 300); do
  files=$(job_field "$blue_job" "j['progress']['files'] if j['state'] == 'running' else -1")
  [[ $files -lt 0 || $files -ge 1500 ]] && break
  sleep 0.05
done
[[ $files -ge 0 ]] || fail "blue's backup ended before the kill"
echo "kill -9 w1 at $files files"
kill_worker w1 KILL
"$ARBOR" job wait "$blue_job" --timeout 240s >/dev/null || { "$ARBOR" job show "$blue_job"; fail "blue's backup"; }
"$ARBOR" job wait "$green_job" --timeout 240s >/dev/null || { "$ARBOR" job show "$green_job"; fail "green's backup"; }
[[ $(job_field "$blue_job" "j['attempts']") == 2 ]] || fail "blue's backup should have taken two attempts"
[[ $(job_field "$blue_job" "j['worker']") != w1 ]] || fail "the killed worker cannot have finished it"

step "the objects are in the remote stores, nothing on a shared disk"
node "$JS/azblob_tool.mjs" manifest repo fleet/ >"$WORK/manifest"
grep -q '/packs/' "$WORK/manifest" || fail "no packs in the Azure container"
[[ -n "$(find "$WORK/s3data/arbor/fleet" -path '*/packs/*' -name '*._S3rver_object' | head -1)" ]] ||
  fail "no packs in the S3 bucket"

step "every snapshot verifies byte by byte and restores identical"
for pair in "blue:$BLUE:$AZ_REPO" "green:$GREEN:$S3_REPO"; do
  name=${pair%%:*}
  share=${pair#*:}
  share=${share%%:*}
  repo=${pair#*:*:}
  "$ARBOR" -r "$repo" --tenant "$TENANT" --share "$share" verify --read-data >"$WORK/verify.out" ||
    { cat "$WORK/verify.out"; fail "verify --read-data of $name"; }
  grep -q "no errors" "$WORK/verify.out" || fail "verify of $name"
  n=$("$ARBOR" -r "$repo" --tenant "$TENANT" --share "$share" snapshots --json |
    python3 -c "import json,sys; print(len(json.load(sys.stdin)))")
  [[ $n == 1 ]] || fail "$n snapshots of $name, expected 1"
  "$ARBOR" -r "$repo" --tenant "$TENANT" --share "$share" restore latest --target "$WORK/restored-$name" -q >/dev/null
  same_tree "$WORK/$name" "$WORK/restored-$name$WORK/$name"
done
echo "PASS"
