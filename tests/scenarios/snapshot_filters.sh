#!/usr/bin/env bash
# restic's snapshot filters (--host, --tag, --path) on snapshots, restore latest and
# forget, and forget --keep-within: each checked by which snapshots come out.
source "$(dirname "$0")/lib.sh"
S="$WORK/src"
mkdir -p "$S/one" "$S/two"
arbor_init -q >/dev/null
count() { "$ARBOR" snapshots --json "$@" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }

step "five snapshots: hosts alpha and beta, tags, two paths, days apart"
echo v1 >"$S/one/f"
"$ARBOR" -q backup "$S/one" --host alpha --tag daily --time "2026-01-01 10:00:00"
echo v2 >"$S/one/f"
"$ARBOR" -q backup "$S/one" --host alpha --tag daily --tag db --time "2026-01-05 10:00:00"
echo v3 >"$S/one/f"
"$ARBOR" -q backup "$S/one" --host beta --tag daily --time "2026-01-06 10:00:00"
echo v4 >"$S/one/f"
"$ARBOR" -q backup "$S/one" --host alpha --time "2026-01-06 12:00:00"
"$ARBOR" -q backup "$S/two" --host alpha --time "2026-01-07 10:00:00"

step "snapshots --host/--tag/--path"
[[ $(count) == 5 ]] || fail "expected 5 snapshots"
[[ $(count --host alpha) == 4 ]] || fail "--host alpha"
[[ $(count --host alpha --host beta) == 5 ]] || fail "two --host values are either"
[[ $(count --tag daily) == 3 ]] || fail "--tag daily"
[[ $(count --tag daily,db) == 1 ]] || fail "--tag daily,db means both"
[[ $(count --tag db --tag nosuch) == 1 ]] || fail "two --tag values are either"
[[ $(count --path "$S/two") == 1 ]] || fail "--path"
[[ $(count --host beta --path "$S/two") == 0 ]] || fail "filters combine with and"

step "restore latest --host beta restores beta's newest, not the newest overall"
"$ARBOR" -q restore latest --host beta --target "$WORK/r1"
[[ $(cat "$WORK/r1$S/one/f") == v3 ]] || fail "restore latest --host beta restored $(cat "$WORK/r1$S/one/f")"
expect_exit 1 "$ARBOR" restore latest --host gamma --target "$WORK/r2"
expect_stderr "no snapshot matches"

step "forget --host alpha --keep-last 1 --dry-run: a plan, nothing removed; then for real"
"$ARBOR" forget --host alpha --path "$S/one" --keep-last 1 --dry-run >"$WORK/plan"
grep -q "would remove" "$WORK/plan" || fail "no plan printed: $(cat "$WORK/plan")"
# restic's table: a header, the kept snapshot with why, the removed ones; only alpha's group
grep -q "^ID  *Time  *Host  *Tags  *Action  *Reasons$" "$WORK/plan" || fail "no table header: $(cat "$WORK/plan")"
[[ $(grep -c " keep  *last snapshot$" "$WORK/plan") == 1 ]] || fail "kept row lacks its reason: $(cat "$WORK/plan")"
! grep -q " beta " "$WORK/plan" || fail "plan lists beta, outside the filters: $(cat "$WORK/plan")"
grep -q "nothing was removed" "$WORK/plan" || fail "dry run does not say nothing was removed"
[[ $(count) == 5 ]] || fail "--dry-run removed snapshots"
"$ARBOR" -q forget --host alpha --path "$S/one" --keep-last 1 >/dev/null
[[ $(count --host alpha --path "$S/one") == 1 ]] || fail "alpha's group of $S/one should keep 1"
[[ $(count --host beta) == 1 ]] || fail "forget touched beta, outside its filters"
[[ $(count --path "$S/two") == 1 ]] || fail "forget touched the other path"

step "forget --keep-within 2d keeps what lies within two days of each group's newest"
echo v5 >"$S/one/f"
"$ARBOR" -q backup "$S/one" --host beta --time "2026-01-09 10:00:00"
"$ARBOR" -q backup "$S/one" --host beta --time "2026-01-12 10:00:00"
"$ARBOR" -q forget --host beta --keep-within 2d >/dev/null
[[ $(count --host beta) == 1 ]] || fail "beta: only the 01-12 snapshot lies within 2 days of its newest"
expect_exit 1 "$ARBOR" forget --keep-within 2x
expect_stderr "is not a duration"
echo "PASS: snapshot_filters"
