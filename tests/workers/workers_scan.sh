#!/usr/bin/env bash
# One share backed up by many workers at once: a scan job lists it, fans out one backup
# job per unit of about 2,000 entries and an assemble job that waits for them all, and the
# result is one snapshot of the whole share, no partial snapshot left behind. A worker
# killed with -9 in the middle of a part costs only that part's redo. The next scan is
# incremental in every part. PostgreSQL with four workers, then SQLite with two.
source "$(dirname "$0")/../scenarios/lib.sh"
source "$(dirname "$0")/lib_workers.sh"

make_tree "$WORK/src" 20000 11
echo "top level file" >"$WORK/src/readme.txt"

# jobs_of ROOT EXPR: EXPR is Python over js = the jobs of ROOT's tree.
jobs_of() {
  "$ARBOR" job list --all --json --limit 1000 | python3 -c "
import json,sys
js=[j for j in json.load(sys.stdin) if j['root_id']==$1]
print($2)"
}

snapshot_count() {  # snapshot_count REPO TENANT SHARE: in the repository, then in the catalog
  "$ARBOR" -r "$1" --tenant "$2" --share "$3" snapshots --json | python3 -c "import json,sys; print(len(json.load(sys.stdin)))"
  "$ARBOR" share snapshots "$3" --json | python3 -c "import json,sys; print(len(json.load(sys.stdin)))"
}

run_scan() {  # run_scan NAME WORKERS KILL(yes/no)
  local name=$1 workers=$2 kill=$3 repo="$WORK/$1/repo"
  step "[$name] a share of 20,001 files, $workers workers, a scan in units of 2,000 entries"
  tenant_add acme
  out=$("$ARBOR" -r "$repo" share add big --tenant acme --path "$WORK/src" --json)
  local share tenant i
  share=$(json_field "$out" id)
  tenant=$(json_field "$out" tenant_id)
  for i in $(seq 1 "$workers"); do start_worker "$name$i"; done
  local scan victim_job=""
  if [[ $kill != yes ]]; then
    scan=$("$ARBOR" job submit scan --share "$share" --max-files 2000 --tag full)
  else
    # Parts take a fraction of a second here, so catch one deterministically: freeze all
    # workers but the first, let the first run the scan and parts, freeze it too at a
    # moment when the catalog shows it running a part, kill it, then thaw the others.
    local victim="${name}1" pick
    for i in $(seq 2 "$workers"); do kill -STOP "${WORKER_PID[$name$i]}"; done
    scan=$("$ARBOR" job submit scan --share "$share" --max-files 2000 --tag full)
    for _ in $(seq 1 50); do
      sleep 0.$((RANDOM % 3 + 1))
      kill -STOP "${WORKER_PID[$victim]}"
      pick=$(jobs_of "$scan" "next((str(j['id']) for j in js if j['type']=='backup' and j['state']=='running' and j['worker']=='$victim'), '')")
      [[ -n $pick ]] && { victim_job=$pick; break; }
      kill -CONT "${WORKER_PID[$victim]}"
    done
    [[ -n $victim_job ]] || fail "never caught a part running"
    echo "kill -9 $victim while it backs up part $victim_job"
    kill_worker "$victim" KILL
    for i in $(seq 2 "$workers"); do kill -CONT "${WORKER_PID[$name$i]}"; done
  fi
  "$ARBOR" job wait "$scan" --timeout 180s >/dev/null || { "$ARBOR" job list --all; fail "the scan's tree did not succeed"; }
  local parts spread
  parts=$(jobs_of "$scan" "sum(1 for j in js if j['type']=='backup')")
  spread=$(jobs_of "$scan" "len({j['worker'] for j in js if j['type']=='backup'})")
  # (the killed worker's parts count as run by whoever finished them)
  echo "$parts backup parts ran on $spread workers"
  [[ $parts -ge 10 ]] || fail "expected at least 10 parts for 20,000 files in units of 2,000, got $parts"
  [[ $spread -ge 2 ]] || fail "the parts did not spread over the workers"
  [[ $(jobs_of "$scan" "[j['state'] for j in js if j['type']=='assemble']") == "['succeeded']" ]] || fail "assemble"
  if [[ -n $victim_job ]]; then
    [[ $(job_field "$victim_job" "j['attempts']") == 2 ]] || fail "part $victim_job was not run again"
  fi

  step "[$name] one snapshot of the whole share: it verifies byte by byte and restores to the same files"
  [[ $(snapshot_count "$repo" "$tenant" "$share" | tr '\n' ' ') == "1 1 " ]] || fail "expected one snapshot (repository, catalog)"
  "$ARBOR" -r "$repo" --tenant "$tenant" --share "$share" verify --read-data >"$WORK/verify.out" \
    || { cat "$WORK/verify.out"; fail "verify --read-data"; }
  "$ARBOR" -r "$repo" --tenant "$tenant" --share "$share" restore latest --target "$WORK/$name/r1" >/dev/null
  same_tree "$WORK/src" "$WORK/$name/r1$WORK/src"

  step "[$name] change 3 files, add a directory, delete one: the next scan reads only those"
  for f in d003/s0/f001500 d017/s1/f008501 d039/s2/f019999; do echo "changed $name" >>"$WORK/src/$f"; done
  mkdir -p "$WORK/src/new/dir" && echo new >"$WORK/src/new/dir/file"
  rm -rf "$WORK/src/d020"
  "$ARBOR" job submit scan --share "$share" --max-files 2000 --wait >/dev/null || fail "second scan"
  local read
  read=$("$ARBOR" share snapshots "$share" --json \
    | python3 -c "import json,sys; print(max(json.load(sys.stdin), key=lambda r: r['time_ms'])['stats']['files_read'])")
  echo "second scan read $read files"
  [[ $read == 4 ]] || fail "the second scan read $read files, expected 4"
  [[ $(snapshot_count "$repo" "$tenant" "$share" | tr '\n' ' ') == "2 2 " ]] || fail "expected two snapshots"
  "$ARBOR" -r "$repo" --tenant "$tenant" --share "$share" restore latest --target "$WORK/$name/r2" >/dev/null
  same_tree "$WORK/src" "$WORK/$name/r2$WORK/src"
  for id in "${!WORKER_PID[@]}"; do kill_worker "$id" TERM; done
  # Put the tree back for the next run.
  rm -rf "$WORK/src" && make_tree "$WORK/src" 20000 11 && echo "top level file" >"$WORK/src/readme.txt"
}

start_postgres
use_catalog "$PG_URL"
run_scan postgres 4 yes
use_catalog "$WORK/catalog.db"
run_scan sqlite 2 no
echo "PASS"
