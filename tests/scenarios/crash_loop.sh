#!/usr/bin/env bash
# kill -9 of backups and prunes at random moments never damages the repository:
# afterwards a new backup completes, verify --read-data is clean and every
# snapshot restores.
source "$(dirname "$0")/lib.sh"
S="$WORK/src"
mkdir -p "$S"
for d in $(seq 1 20); do
  mkdir -p "$S/dir$d"
  for f in $(seq 1 100); do echo "small file $d/$f" > "$S/dir$d/f$f"; done
done
arbor_init >/dev/null

kill_at_random() {  # kill_at_random MAX_MS cmd...
  local max_ms=$1; shift
  "$@" >/dev/null 2>&1 &
  local pid=$!
  sleep "0.$(printf '%03d' $((RANDOM % max_ms)))"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

for round in $(seq 1 12); do
  step "round $round: new data, then kill -9 the backup"
  random_file "$S/big$round.bin" $((12 * 1024 * 1024)) "$round"
  echo "round $round" >> "$S/dir$((round % 20 + 1))/f1"
  kill_at_random 900 "$ARBOR" backup "$S" -q
done

for round in $(seq 1 4); do
  step "round $round: a finished backup, then kill -9 a prune"
  rm -f "$S/big$round.bin"
  "$ARBOR" backup "$S" -q >/dev/null || [[ $? == 3 ]]
  "$ARBOR" forget --keep-last 2 -q >/dev/null
  kill_at_random 300 "$ARBOR" prune -q --max-unused 0
done

step "a clean backup and prune complete after the crashes"
"$ARBOR" backup "$S" -q >/dev/null
"$ARBOR" prune -q >/dev/null
"$ARBOR" verify --read-data || fail "repository does not verify after crashes"

step "every snapshot restores"
for id in $("$ARBOR" snapshots --json | python3 -c "import json,sys; [print(s['id']) for s in json.load(sys.stdin)]"); do
  "$ARBOR" restore "$id" --target "$WORK/r-$id" -q >/dev/null || fail "snapshot $id does not restore"
done
same_tree "$S" "$WORK/r-$id$S"
echo "PASS"
