#!/usr/bin/env bash
# Two backups into one repository at the same time both succeed and verify; prune
# started beside a running backup never deletes what that backup references (it is
# refused with exit 11, or waits with --wait).
source "$(dirname "$0")/lib.sh"
make_tree() {  # make_tree DIR SEED
  mkdir -p "$1"
  for d in $(seq 1 10); do
    mkdir -p "$1/d$d"
    for f in $(seq 1 50); do echo "$2 $d $f" > "$1/d$d/f$f"; done
  done
  random_file "$1/shared.bin" $((8 * 1024 * 1024)) 99   # the same in both trees: deduplicated
  random_file "$1/own.bin" $((8 * 1024 * 1024)) "$2"
}
make_tree "$WORK/a" 1
make_tree "$WORK/b" 2
arbor_init >/dev/null

step "two backups at once"
"$ARBOR" backup "$WORK/a" -q >"$WORK/a.out" 2>&1 & pa=$!
"$ARBOR" backup "$WORK/b" -q >"$WORK/b.out" 2>&1 & pb=$!
wait $pa || { cat "$WORK/a.out"; fail "backup a failed"; }
wait $pb || { cat "$WORK/b.out"; fail "backup b failed"; }
"$ARBOR" verify --read-data -q >/dev/null || fail "verify after concurrent backups"
"$ARBOR" restore latest --target "$WORK/ra" --include "$WORK/a" -q >/dev/null || true
for t in a b; do
  id=$("$ARBOR" snapshots --json | python3 -c "import json,sys; print([s['id'] for s in json.load(sys.stdin) if s['paths']==['$WORK/$t']][0])")
  "$ARBOR" restore "$id" --target "$WORK/r$t" -q >/dev/null
  same_tree "$WORK/$t" "$WORK/r$t$WORK/$t"
done

step "prune beside a running backup"
"$ARBOR" forget --keep-last 1 -q >/dev/null   # leaves garbage for prune to find
make_tree "$WORK/c" 3
random_file "$WORK/c/large.bin" $((300 * 1024 * 1024)) 4
"$ARBOR" --threads 1 backup "$WORK/c" -q >"$WORK/c.out" 2>&1 & pc=$!
for _ in $(seq 1 200); do
  [[ -n "$(ls "$ARBOR_REPO/default/default/locks" 2>/dev/null)" ]] && break
  sleep 0.01
done
expect_exit 11 "$ARBOR" prune
expect_stderr "locked"
"$ARBOR" prune --wait 120 >"$WORK/prune.out" 2>&1 || { cat "$WORK/prune.out"; fail "prune --wait failed"; }
wait $pc || { cat "$WORK/c.out"; fail "backup c failed"; }
"$ARBOR" verify --read-data -q >/dev/null || fail "verify after prune beside backup"
id=$("$ARBOR" snapshots --json | python3 -c "import json,sys; print([s['id'] for s in json.load(sys.stdin) if s['paths']==['$WORK/c']][0])")
"$ARBOR" restore "$id" --target "$WORK/rc" -q >/dev/null
same_tree "$WORK/c" "$WORK/rc$WORK/c"
echo "PASS"
