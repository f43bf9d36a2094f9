#!/usr/bin/env bash
# `backup --stdin [--stdin-filename NAME]`: a stream (a database dump) backed up as one
# file without staging it on disk, restored and dumped byte-identical; a second stream of
# the same bytes adds nothing; wrong combinations are refused before anything is written.
source "$(dirname "$0")/lib.sh"
arbor_init -q >/dev/null
random_file "$WORK/dump.sql" 5000000 7

step "a 5 MB stream through a pipe becomes /dumps/db.sql"
cat "$WORK/dump.sql" | "$ARBOR" -q backup --stdin --stdin-filename dumps/db.sql --tag db
"$ARBOR" ls latest | grep -qx '/dumps/db.sql' || { "$ARBOR" ls latest; fail "no /dumps/db.sql"; }
"$ARBOR" dump latest /dumps/db.sql >"$WORK/dumped"
cmp "$WORK/dump.sql" "$WORK/dumped" || fail "dump differs from the stream"
"$ARBOR" restore latest --target "$WORK/out" -q
cmp "$WORK/dump.sql" "$WORK/out/dumps/db.sql" || fail "restore differs from the stream"
[[ $(stat -c %s "$WORK/out/dumps/db.sql") == 5000000 ]] || fail "restored size is not the stream's"

step "the same stream again adds no data; the default name is stdin"
out=$(cat "$WORK/dump.sql" | arbor_json backup --stdin --stdin-filename dumps/db.sql)
(( $(json_field "$out" bytes_added) < 100000 )) || fail "same stream added data again: $out"
printf 'hello\n' | "$ARBOR" -q backup --stdin
[[ "$("$ARBOR" dump latest /stdin)" == hello ]] || fail "default name is not /stdin"

step "an empty stream is an empty file"
"$ARBOR" -q backup --stdin --stdin-filename empty </dev/null
[[ -z "$("$ARBOR" dump latest /empty)" ]] || fail "empty stream is not empty"

step "bad combinations are refused and write nothing"
n=$("$ARBOR" snapshots --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
expect_exit 1 "$ARBOR" backup --stdin "$WORK" </dev/null
expect_stderr "standard input alone"
expect_exit 1 "$ARBOR" backup --stdin --exclude '*.x' </dev/null
expect_stderr "do not apply"
expect_exit 1 "$ARBOR" backup --stdin-filename x "$WORK"
expect_stderr "add --stdin"
expect_exit 1 "$ARBOR" backup --stdin --stdin-filename ../x </dev/null
expect_stderr "give a file name"
[[ $("$ARBOR" snapshots --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') == "$n" ]] ||
  fail "a refused backup saved a snapshot"
echo "PASS"
