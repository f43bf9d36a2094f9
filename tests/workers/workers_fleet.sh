#!/usr/bin/env bash
# Eight `arbor worker` processes on one PostgreSQL back up four shares of two tenants at
# once; the work spreads over the workers, every snapshot verifies with --read-data, each
# share has exactly one snapshot per backup, and a restore job brings the files back.
source "$(dirname "$0")/../scenarios/lib.sh"
source "$(dirname "$0")/lib_workers.sh"

start_postgres
use_catalog "$PG_URL"
REPO="$WORK/repo"

step "two tenants, four shares of 3,000 files each"
tenant_add t1
tenant_add t2
declare -A TENANT_OF=([s0]=t1 [s1]=t1 [s2]=t2 [s3]=t2) SHARE_ID=() TENANT_ID=()
for s in s0 s1 s2 s3; do
  make_tree "$WORK/src/$s" 3000 "${s#s}"
  out=$("$ARBOR" -r "$REPO" share add "$s" --tenant "${TENANT_OF[$s]}" --path "$WORK/src/$s" --json)
  SHARE_ID[$s]=$(json_field "$out" id)
  TENANT_ID[$s]=$(json_field "$out" tenant_id)
done

step "eight workers"
for i in $(seq 0 7); do start_worker "w$i" --restore-root "$WORK/restore"; done

step "back up the four shares at once, twice (the second run is incremental)"
for round in 1 2; do
  declare -A JOB=()
  for s in s0 s1 s2 s3; do
    echo "round $round" >"$WORK/src/$s/changed.txt"
    JOB[$s]=$("$ARBOR" job submit backup --share "${SHARE_ID[$s]}" --tag "round$round")
  done
  for s in s0 s1 s2 s3; do
    "$ARBOR" job wait "${JOB[$s]}" --timeout 120s >/dev/null || { "$ARBOR" job show "${JOB[$s]}"; fail "backup of $s"; }
  done
done
workers=$("$ARBOR" job list --all --json --limit 100 | python3 -c "import json,sys; print(len({j['worker'] for j in json.load(sys.stdin)}))")
echo "jobs ran on $workers distinct workers"
[[ $workers -ge 2 ]] || fail "the work did not spread over the workers"

step "every snapshot verifies, byte by byte; one snapshot per backup, in the repository and the catalog"
for s in s0 s1 s2 s3; do
  "$ARBOR" -r "$REPO" --tenant "${TENANT_ID[$s]}" --share "${SHARE_ID[$s]}" verify --read-data >/dev/null \
    || fail "verify $s"
  n=$("$ARBOR" -r "$REPO" --tenant "${TENANT_ID[$s]}" --share "${SHARE_ID[$s]}" snapshots --json | python3 -c "import json,sys; print(len(json.load(sys.stdin)))")
  [[ $n == 2 ]] || fail "$s has $n snapshots in the repository, expected 2"
  n=$("$ARBOR" share snapshots "${SHARE_ID[$s]}" --json | python3 -c "import json,sys; print(len(json.load(sys.stdin)))")
  [[ $n == 2 ]] || fail "$s has $n snapshots in the catalog, expected 2"
done

step "verify and restore as jobs"
V=$("$ARBOR" job submit verify --share "${SHARE_ID[s2]}" --read-data)
R=$("$ARBOR" job submit restore --share "${SHARE_ID[s1]}" --target "$WORK/restore/s1")
"$ARBOR" job wait "$V" >/dev/null || fail "verify job"
"$ARBOR" job wait "$R" >/dev/null || fail "restore job"
same_tree "$WORK/src/s1" "$WORK/restore/s1$WORK/src/s1"

step "SIGTERM stops every worker cleanly"
for i in $(seq 0 7); do
  kill -TERM "${WORKER_PID[w$i]}"
  wait "${WORKER_PID[w$i]}" || fail "worker w$i exited with $?"
  unset "WORKER_PID[w$i]"
done
echo "PASS"
