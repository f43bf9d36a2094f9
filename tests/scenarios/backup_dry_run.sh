#!/usr/bin/env bash
# `backup --dry-run` reads and chunks what changed and says what it would add, but leaves
# the repository byte-identical (and the node index untouched); the real backup that
# follows adds exactly what the dry run announced.
source "$(dirname "$0")/lib.sh"
S="$WORK/src"
mkdir -p "$S/d"
random_file "$S/d/big" 3000000 1
echo small >"$S/small"
arbor_init -q >/dev/null
"$ARBOR" -q backup "$S"

fingerprint() { (cd "$ARBOR_REPO" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }
index_state() { find "$ARBOR_STATE_DIR" -type f -print0 | sort -z | xargs -0 sha256sum; }

step "a dry run after a change writes nothing, in the repository or the node index"
random_file "$S/d/new" 2000000 2
echo changed >"$S/small"
before=$(fingerprint)
index_before=$(index_state)
out=$(arbor_json backup --dry-run "$S")
[[ "$(json_field "$out" dry_run)" == True ]] || fail "summary does not say dry_run: $out"
would_blobs=$(json_field "$out" blobs_added)
would_bytes=$(json_field "$out" bytes_added)
[[ $(json_field "$out" files_read) == 2 ]] || fail "dry run should read the 2 changed files: $out"
(( would_blobs > 0 )) || fail "dry run announced nothing to add: $out"
[[ "$(fingerprint)" == "$before" ]] || fail "dry run changed the repository"
[[ "$(index_state)" == "$index_before" ]] || fail "dry run changed the node index"
[[ $("$ARBOR" snapshots --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') == 1 ]] ||
  fail "dry run saved a snapshot"

step "the text summary says so"
text=$("$ARBOR" backup -n "$S")
grep -q "would be added" <<<"$text" || fail "no 'would be added': $text"
grep -q "dry run: nothing was written" <<<"$text" || fail "no dry-run line: $text"
[[ "$(fingerprint)" == "$before" ]] || fail "second dry run changed the repository"

step "the real backup adds what the dry run announced"
out=$(arbor_json backup "$S")
[[ $(json_field "$out" blobs_added) == "$would_blobs" ]] || fail "real backup added other blobs than announced: $out"
# Data blobs are byte-identical; directory objects may differ by a few bytes (the dry run's
# reads moved the files' atimes, which the tree records).
bytes=$(json_field "$out" bytes_added)
(( bytes - would_bytes < 1024 && would_bytes - bytes < 1024 )) ||
  fail "real backup added $bytes bytes, the dry run announced $would_bytes: $out"
"$ARBOR" -q verify --read-data
echo "PASS"
