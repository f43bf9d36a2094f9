#!/usr/bin/env bash
# A repository in S3 (s3rver, npm, started here on a loopback port): init, a backup with a
# file larger than a pack (multipart uploads), restore identical, verify --read-data,
# forget --prune; kill -9 of a backup mid-upload and a new backup that verifies clean; the
# server killed and restarted during a backup; wrong credentials and a missing bucket give
# clear errors without the secret.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/../support/servers.sh"
trap 'stop_servers; rm -rf "$WORK"' EXIT
start_s3rver arbor
export ARBOR_REPO="s3://arbor/backups/main"
uploads_in_flight() { ls "$WORK/s3data/arbor/._S3rver_uploads" 2>/dev/null | wc -l; }

S="$WORK/src"
mkdir -p "$S/docs" "$S/empty-dir"
for i in $(seq 1 200); do echo "document $i" > "$S/docs/d$i.txt"; done
random_file "$S/big.bin" $((40 * 1024 * 1024)) 1  # more than a 32 MiB pack
ln -s docs/d1.txt "$S/link"

step "init, backup, restore identical"
arbor_init >/dev/null
expect_exit 1 arbor_init
expect_stderr "already exists"
"$ARBOR" backup "$S" -q >/dev/null
"$ARBOR" restore latest --target "$WORK/restored" -q >/dev/null
same_tree "$S" "$WORK/restored$S"
[[ -n "$(find "$WORK/s3data/arbor/backups/main" -name '*._S3rver_object' | head -1)" ]] ||
  fail "no objects under the repository prefix in the bucket"

step "verify --read-data, forget --keep-last 1 --prune"
"$ARBOR" verify --read-data >/dev/null || fail "verify after the first backup"
echo "changed" > "$S/docs/d1.txt"
"$ARBOR" backup "$S" -q >/dev/null
[[ $("$ARBOR" snapshots --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') == 2 ]] ||
  fail "expected two snapshots"
"$ARBOR" forget --keep-last 1 --prune -q >/dev/null
[[ $("$ARBOR" snapshots --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') == 1 ]] ||
  fail "forget did not leave one snapshot"
"$ARBOR" verify --read-data >/dev/null || fail "verify after forget --prune"

step "kill -9 of a backup in the middle of a multipart upload, then a backup that verifies clean"
random_file "$S/big2.bin" $((80 * 1024 * 1024)) 2
"$ARBOR" backup "$S" -q >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  [[ $(uploads_in_flight) -gt 0 ]] && break
  sleep 0.05
done
[[ $(uploads_in_flight) -gt 0 ]] || fail "no multipart upload was seen in flight"
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
"$ARBOR" backup "$S" -q >/dev/null
"$ARBOR" verify --read-data >/dev/null || fail "verify after the killed backup"
"$ARBOR" restore latest --target "$WORK/restored2" -q >/dev/null
same_tree "$S" "$WORK/restored2$S"

step "the server killed and restarted during a backup: a clean failure or a finished backup, then a clean one"
random_file "$S/big3.bin" $((80 * 1024 * 1024)) 3
set +e
"$ARBOR" backup "$S" -q >"$WORK/fault.out" 2>"$WORK/fault.err" &
pid=$!
for _ in $(seq 1 600); do
  [[ $(uploads_in_flight) -gt 0 ]] && break
  sleep 0.05
done
kill_server "$S3RVER_PID"
sleep 1
run_s3rver
wait "$pid"
rc=$?
set -e
if [[ $rc != 0 ]]; then
  grep -q "arbor: " "$WORK/fault.err" || { cat "$WORK/fault.err" >&2; fail "the failed backup gave no error message"; }
fi
"$ARBOR" backup "$S" -q >/dev/null
"$ARBOR" verify --read-data >/dev/null || fail "verify after the server restart"

step "wrong credentials: a clear error, non-zero exit, no secret in the output"
expect_exit 12 env AWS_ACCESS_KEY_ID=NOT-A-KEY AWS_SECRET_ACCESS_KEY=hunter2-very-secret "$ARBOR" snapshots
expect_stderr "InvalidAccessKeyId"
expect_stderr "check the S3 credentials"
! grep -q "hunter2" "$WORK/last.out" "$WORK/last.err" || fail "the secret key was printed"
expect_exit 12 env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY HOME="$WORK" "$ARBOR" snapshots
expect_stderr "no S3 credentials"

step "a bucket that does not exist: a clear error, nothing created"
expect_exit 10 "$ARBOR" -r s3://no-such-bucket/repo snapshots
expect_stderr "NoSuchBucket"
expect_exit 1 "$ARBOR" -r s3://no-such-bucket/repo init
expect_stderr "never creates buckets"
[[ ! -e "$WORK/s3data/no-such-bucket" ]] || fail "a bucket was created"

step "the endpoint and URL style as flags"
env -u ARBOR_S3_ENDPOINT "$ARBOR" --s3-endpoint "http://127.0.0.1:$S3RVER_PORT" --s3-url-style path snapshots -q >/dev/null
expect_exit 1 "$ARBOR" --s3-url-style sideways snapshots
echo "PASS"
