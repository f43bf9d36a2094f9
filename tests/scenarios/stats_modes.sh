#!/usr/bin/env bash
# `stats --mode restore-size|raw-data` over chosen snapshots (restic's): restore-size sums
# what restoring each writes; raw-data sizes the unique blobs they reference, so over
# every snapshot it equals the repository's unique data, and after a forget without
# prune it is less (the summary still counts what only a prune frees).
source "$(dirname "$0")/lib.sh"
S="$WORK/src"
mkdir -p "$S"
random_file "$S/a" 200000 1
random_file "$S/b" 100000 2
arbor_init -q >/dev/null
"$ARBOR" -q backup "$S" --tag one
random_file "$S/c" 300000 3
rm "$S/b"
"$ARBOR" -q backup "$S" --tag two
field() { json_field "$1" "$2"; }

step "restore-size: per snapshot and summed"
one=$(arbor_json stats --mode restore-size --tag one)
[[ $(field "$one" files) == 2 && $(field "$one" bytes) == 300000 ]] || fail "restore-size of one: $one"
all=$(arbor_json stats --mode restore-size)
[[ $(field "$all" snapshots) == 2 && $(field "$all" bytes) == 800000 ]] || fail "restore-size of both: $all"
latest=$(arbor_json stats latest)  # snapshots chosen, no mode: restore-size
[[ $(field "$latest" mode) == restore-size && $(field "$latest" bytes) == 500000 ]] || fail "stats latest: $latest"

step "raw-data: unique blobs; over all snapshots it is the repository's unique data"
raw_all=$(arbor_json stats --mode raw-data)
summary=$(arbor_json stats)
[[ $(field "$raw_all" bytes) == $(field "$summary" raw_bytes) ]] || fail "raw-data of all ($raw_all) != unique data ($summary)"
raw_one=$(arbor_json stats --mode raw-data --tag one)
b1=$(field "$raw_one" bytes); ball=$(field "$raw_all" bytes)
(( b1 >= 300000 && b1 < ball )) || fail "raw-data of one: $b1, of all: $ball"
(( $(field "$raw_one" stored_bytes) > 300000 )) || fail "random data cannot compress: $raw_one"

step "after forget without prune, the remaining snapshots reference less than is stored"
"$ARBOR" -q forget --keep-tag two >/dev/null
raw=$(arbor_json stats --mode raw-data)
summary=$(arbor_json stats)
(( $(field "$raw" bytes) < $(field "$summary" raw_bytes) )) || fail "after forget: $raw vs $summary"
[[ $(field "$raw" snapshots) == 1 ]] || fail "one snapshot left: $raw"

step "bad input"
expect_exit 1 "$ARBOR" stats deadbeef
expect_exit 1 "$ARBOR" stats --mode blobs-per-file
echo "PASS: stats_modes"
