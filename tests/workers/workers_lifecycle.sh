#!/usr/bin/env bash
# The queue's life cycle through the CLI, with real `arbor worker` processes:
# cancelling a queued job and a running backup, a lease that expires while its worker is
# frozen (SIGSTOP) and the job finished by another (the frozen one, thawed, changes
# nothing), the retry limit, a permanent failure (a credential that is not there) that is
# not retried, and schedules.
source "$(dirname "$0")/../scenarios/lib.sh"
source "$(dirname "$0")/lib_workers.sh"

REPO="$WORK/repo"
make_tree "$WORK/big" 60000 3  # a backup of it takes a few seconds: time to cancel or freeze it
make_tree "$WORK/small" 200 4
snapshot_count() { "$ARBOR" share snapshots "$1" --json | python3 -c "import json,sys; print(len(json.load(sys.stdin)))"; }

setup_catalog() {
  tenant_add acme
  "$ARBOR" -r "$REPO-$1" share add big --tenant acme --path "$WORK/big" >/dev/null
  "$ARBOR" -r "$REPO-$1" share add small --tenant acme --path "$WORK/small" >/dev/null
}

cancellation() {
  local name=$1
  step "[$name] a queued job is cancelled at once"
  J=$("$ARBOR" job submit backup --share small)
  "$ARBOR" job cancel "$J" | grep -q cancelled || fail "cancel of a queued job"
  expect_exit 13 "$ARBOR" job wait "$J"

  step "[$name] a running backup stops within a heartbeat and writes no snapshot"
  J=$("$ARBOR" job submit backup --share big)
  start_worker "c-$name"
  wait_running "$J" "c-$name"
  sleep 0.1
  "$ARBOR" job cancel "$J" | grep -q "cancel requested" || fail "cancel of a running job"
  expect_exit 13 "$ARBOR" job wait "$J" --timeout 30s
  [[ $(snapshot_count big) == 0 ]] || fail "a cancelled backup left a snapshot"
  step "[$name] the worker goes on with the next job"
  J=$("$ARBOR" job submit backup --share small)
  "$ARBOR" job wait "$J" --timeout 30s >/dev/null || fail "next job"
  kill_worker "c-$name" TERM
}

permanent_failure() {
  local name=$1
  step "[$name] a share whose credential is not there fails once, with a clear message"
  "$ARBOR" -r "$REPO-$name" share add remote --tenant acme --azure azfiles://acct/data \
    --credential-env ARBOR_TEST_NO_SUCH_VARIABLE >/dev/null
  J=$("$ARBOR" job submit backup --share remote --max-attempts 5)
  # --run works the queue in-process until its own job ends: J (older) is claimed first.
  "$ARBOR" job submit verify --share small --run >/dev/null
  expect_exit 1 "$ARBOR" job wait "$J"
  [[ $(job_field "$J" "j['attempts']") == 1 ]] || fail "a permanent failure was retried"
  err=$(job_field "$J" "j['error']")
  echo "error: $err"
  [[ $err == *ARBOR_TEST_NO_SUCH_VARIABLE* && $err == *"permanent error: not retried"* ]] || fail "unclear error"
}

step "SQLite"
use_catalog "$WORK/catalog.db"
setup_catalog sqlite
cancellation sqlite
permanent_failure sqlite

step "PostgreSQL"
start_postgres
use_catalog "$PG_URL"
setup_catalog postgres
cancellation postgres
permanent_failure postgres

step "lease expiry: the worker running a backup is frozen; another finishes the job"
J=$("$ARBOR" job submit backup --share big)
start_worker frozen
wait_running "$J" frozen
sleep 0.5
kill -STOP "${WORKER_PID[frozen]}"
start_worker rescuer
"$ARBOR" job wait "$J" --timeout 60s >/dev/null || { "$ARBOR" job show "$J"; fail "job not finished"; }
[[ $(job_field "$J" "j['worker']") == rescuer ]] || fail "the rescuer did not finish it"
[[ $(job_field "$J" "j['attempts']") == 2 ]] || fail "expected 2 attempts"
kill -CONT "${WORKER_PID[frozen]}"
for _ in $(seq 1 50); do grep -q "lost the lease" "$WORK/worker-frozen.log" && break; sleep 0.1; done
grep -q "lost the lease" "$WORK/worker-frozen.log" || { cat "$WORK/worker-frozen.log"; fail "the thawed worker did not notice"; }
[[ $(snapshot_count big) == 1 ]] || fail "expected one snapshot after the takeover"
# Short ids as `arbor snapshots` prints them (8 hex digits), not 12.
short=$("$ARBOR" share snapshots big | awk 'NR > 1 {print $1}')
[[ $short =~ ^[0-9a-f]{8}$ ]] || fail "share snapshots prints id '$short', not 8 hex digits"
[[ $(job_field "$J" "j['state']") == succeeded ]] || fail "the thawed worker changed the job"
kill_worker frozen TERM
kill_worker rescuer TERM

step "retry limit: a retryable error (an I/O error at the repository) gives up after 3 attempts"
# A symlink loop in the repository's path: ELOOP is an I/O error the queue cannot tell
# from a passing one, so it is retried (unlike a missing directory: NotFound, permanent).
ln -s loop "$WORK/loop"
"$ARBOR" -r "$WORK/loop/repo" share add broken --tenant acme --path "$WORK/small" >/dev/null
J=$("$ARBOR" job submit backup --share broken --max-attempts 3)
start_worker retrier --retry-backoff 200ms
expect_exit 1 "$ARBOR" job wait "$J" --timeout 60s
[[ $(job_field "$J" "j['attempts']") == 3 ]] || fail "expected 3 attempts"
err=$(job_field "$J" "j['error']")
echo "error: $err"
[[ $err == *"gave up after attempt 3 of 3"* ]] || fail "unclear error"

step "schedules: a backup every 2s, enqueued once per due time by the workers"
S=$("$ARBOR" schedule add --share small --every 2s --start-in 1s --json | json_field "$(cat)" id)
start_worker scheduler --schedule-poll 300ms
for _ in $(seq 1 100); do
  n=$("$ARBOR" job list --share small --state succeeded --json | python3 -c "import json,sys; print(sum(1 for j in json.load(sys.stdin) if j['schedule_id']))")
  [[ $n -ge 2 ]] && break
  sleep 0.2
done
[[ $n -ge 2 ]] || fail "scheduled backups did not run"
"$ARBOR" schedule list | grep -q "$S" || fail "schedule list"
"$ARBOR" schedule remove "$S" >/dev/null
[[ -z $("$ARBOR" schedule list --json | python3 -c "import json,sys; [print(s['id']) for s in json.load(sys.stdin)]") ]] \
  || fail "schedule not removed"
echo "PASS"
