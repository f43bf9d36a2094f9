#!/usr/bin/env bash
# Two tenants on one catalog (SQLite, then a real PostgreSQL): with its token, tenant A
# lists only its own tenant, shares, jobs and snapshots, and every command that takes an id
# refuses B's ids as "not found", exactly as for an id that does not exist. A's jobs cannot
# reach B's share, snapshots or objects, and a restore cannot write into B's files.
# Each tenant has its own repository password in the catalog (sealed with the catalog key):
# the jobs make encrypted namespaces with it, no listing, JSON or log shows it, A cannot
# set or use B's, and a process without the catalog key is told so.
source "$(dirname "$0")/../scenarios/lib.sh"
source "$(dirname "$0")/lib_workers.sh"

# ids FIELD: values of FIELD in the JSON array on stdin, one per line.
ids() { python3 -c "import json,sys; [print(x['$1']) for x in json.load(sys.stdin)]"; }

expect_not_found() {  # expect_not_found cmd...: exit 1 and "not found", as for a missing id
  expect_exit 1 "$@"
  expect_stderr "not found"
}

run_suite() {
  local name=$1
  step "[$name] operator: two tenants, a share named 'docs' in each, a token each"
  "$ARBOR" tenant add acme >/dev/null
  "$ARBOR" tenant add globex >/dev/null
  mkdir -p "$WORK/$name/acme" "$WORK/$name/globex"
  echo "acme secret" >"$WORK/$name/acme/a.txt"
  echo "globex secret" >"$WORK/$name/globex/b.txt"
  local repo="$WORK/$name/repo"
  SA=$("$ARBOR" -r "$repo" share add docs --tenant acme --path "$WORK/$name/acme" --json | json_field "$(cat)" id)
  SB=$("$ARBOR" -r "$repo" share add docs --tenant globex --path "$WORK/$name/globex" --json | json_field "$(cat)" id)
  TA=$("$ARBOR" token create --tenant acme)
  TB=$("$ARBOR" token create --tenant globex)
  TB_ID=$(ARBOR_TOKEN=$TB "$ARBOR" token list --json | ids id | head -1)

  step "[$name] repository passwords: the operator sets A's from a file, B sets its own"
  printf 'acme-repo-PW-%s\n' "$name" >"$WORK/$name/acme.pw"
  "$ARBOR" --password-file "$WORK/$name/acme.pw" tenant set-password acme --kdf-memory 1 --kdf-iterations 1 >/dev/null
  ARBOR_TOKEN=$TB ARBOR_PASSWORD="globex-repo-PW-$name" "$ARBOR" tenant set-password globex \
    --kdf-memory 1 --kdf-iterations 1 >/dev/null
  expect_exit 1 "$ARBOR" --password-file "$WORK/$name/acme.pw" tenant set-password acme
  expect_stderr "already has a repository password"
  ARBOR_TOKEN=$TA expect_not_found "$ARBOR" tenant set-password globex
  [[ $("$ARBOR" tenant list --json | python3 -c "import json,sys; print(sorted({t['repository_password'] for t in json.load(sys.stdin)}))") == "['set']" ]] \
    || fail "tenant list does not say 'set' for both"
  "$ARBOR" tenant list >"$WORK/$name/listing.txt"
  "$ARBOR" tenant list --json >>"$WORK/$name/listing.txt"
  ! grep -q "repo-PW" "$WORK/$name/listing.txt" || fail "a password in a tenant listing"
  expect_exit 1 "$ARBOR" job submit backup --share docs
  expect_stderr "exists in several tenants"

  step "[$name] each tenant backs up its own share by name (run in-process)"
  step "[$name] a process without the catalog key cannot run the job, and says why"
  expect_exit 1 env -u ARBOR_CATALOG_KEY ARBOR_TOKEN="$TA" "$ARBOR" job submit backup --share docs --run
  expect_stderr "ARBOR_CATALOG_KEY"
  [[ ! -e "$WORK/$name/repo" ]] || fail "a namespace was made without the password"
  JA=$(ARBOR_TOKEN=$TA "$ARBOR" job submit backup --share docs --run 2>>"$WORK/$name/job.log")
  JB=$(ARBOR_TOKEN=$TB "$ARBOR" job submit backup --share docs --run 2>>"$WORK/$name/job.log")
  SCHED_B=$(ARBOR_TOKEN=$TB "$ARBOR" schedule add --share docs --every 24h --json | json_field "$(cat)" id)

  step "[$name] A's token lists only A's rows"
  export ARBOR_TOKEN=$TA
  [[ $("$ARBOR" tenant list --json | ids name) == "acme" ]] || fail "tenant list shows other tenants"
  [[ $("$ARBOR" share list --json | ids id) == "$SA" ]] || fail "share list shows other shares"
  A_JOBS=$("$ARBOR" job list --json | ids id)  # JA and the backup that failed without the catalog key
  [[ $(wc -l <<<"$A_JOBS") == 2 ]] && grep -qx "$JA" <<<"$A_JOBS" && ! grep -qx "$JB" <<<"$A_JOBS" \
    || fail "job list shows other jobs"
  [[ $("$ARBOR" token list --json | ids tenant_id | sort -u | wc -l) == 1 ]] || fail "token list shows other tenants"
  [[ -z $("$ARBOR" schedule list --json | ids id) ]] || fail "schedule list shows B's schedule"
  [[ $("$ARBOR" share snapshots docs --json | ids id | wc -l) == 1 ]] || fail "A has one snapshot"

  step "[$name] every command that takes one of B's ids: not found"
  expect_not_found "$ARBOR" job show "$JB"
  expect_not_found "$ARBOR" job wait "$JB" --timeout 5s
  expect_not_found "$ARBOR" job cancel "$JB"
  expect_not_found "$ARBOR" job list --share "$SB"
  expect_not_found "$ARBOR" share snapshots "$SB"
  expect_not_found "$ARBOR" share list --tenant globex
  expect_not_found "$ARBOR" job submit backup --share "$SB"
  expect_not_found "$ARBOR" job submit restore --share "$SB" --target "$WORK/$name/acme/r"
  expect_not_found "$ARBOR" job submit verify --share "$SB"
  expect_not_found "$ARBOR" job submit prune --share "$SB" --keep-last 1
  expect_not_found "$ARBOR" schedule add --share "$SB" --every 1h
  expect_not_found "$ARBOR" schedule remove "$SCHED_B"
  expect_not_found "$ARBOR" token revoke "$TB_ID"
  expect_not_found "$ARBOR" token create --tenant globex
  expect_not_found "$ARBOR" job submit backup --share docs --tenant globex
  expect_exit 1 "$ARBOR" tenant add evil
  expect_stderr "operator"
  expect_exit 1 "$ARBOR" token create --operator
  expect_stderr "operator"
  expect_exit 1 "$ARBOR" -r "$repo" share add etc --path /etc
  expect_stderr "operator"
  expect_exit 1 "$ARBOR" worker --exit-when-idle
  expect_stderr "operator"

  step "[$name] A's restore may not write into B's share (nor anywhere outside A's shares)"
  expect_exit 1 "$ARBOR" job submit restore --share docs --target "$WORK/$name/globex/stolen" --run
  expect_stderr "outside this tenant's shares"
  [[ ! -e "$WORK/$name/globex/stolen" ]] || fail "restore wrote into B's share"
  "$ARBOR" job submit restore --share docs --target "$WORK/$name/acme/restored" --run >/dev/null
  grep -q "acme secret" "$WORK/$name/acme/restored$WORK/$name/acme/a.txt" || fail "own restore"
  ! grep -rq "globex" "$WORK/$name/acme/restored" || fail "B's data in A's restore"
  unset ARBOR_TOKEN

  step "[$name] objects: each share's data only under {tenant}/{share}/, and it verifies"
  TENANT_A=$("$ARBOR" tenant list --json | python3 -c "import json,sys; print([t['id'] for t in json.load(sys.stdin) if t['name']=='acme'][0])")
  [[ -d "$repo/$TENANT_A/$SA/snapshots" ]] || fail "no $TENANT_A/$SA in the repository"
  [[ $(ls "$repo" | wc -l) == 2 ]] || fail "expected two tenant folders in the repository"
  step "[$name] the namespaces are encrypted: each opens with its own tenant's password only"
  ARBOR_PASSWORD="acme-repo-PW-$name" "$ARBOR" -r "$repo" --tenant "$TENANT_A" --share "$SA" verify --read-data >/dev/null
  expect_exit 12 env ARBOR_PASSWORD="globex-repo-PW-$name" "$ARBOR" -r "$repo" --tenant "$TENANT_A" --share "$SA" snapshots
  ! grep -rq "acme secret" "$repo" || fail "A's file content in clear in the repository"
  "$ARBOR" job list --json >>"$WORK/$name/job.log"
  "$ARBOR" job show "$JA" --json >>"$WORK/$name/job.log"
  ! grep -q "repo-PW" "$WORK/$name/job.log" || fail "a password in job output"
}

step "SQLite catalog"
use_catalog "$WORK/catalog.db"
run_suite sqlite

step "PostgreSQL catalog"
start_postgres
use_catalog "$PG_URL"
run_suite postgres
echo "PASS"
