#!/usr/bin/env bash
# Append-only access (issue 13, docs/stores.md "Append-only access"): with --append-only
# (or ARBOR_APPEND_ONLY=1) backups keep adding snapshots, but no object that existed is
# ever removed or changed, and forget, prune, repair, key remove and key passwd are
# refused before they open anything. Without it, the full-access client prunes as before.
source "$(dirname "$0")/lib.sh"

SRC="$WORK/src"
mkdir -p "$SRC"
random_file "$SRC/a.bin" 300000 1
echo "first" >"$SRC/note.txt"

# objects DIR: "hash path" of every object but locks (an append-only client cannot
# remove its own lock objects: they go stale and the next full-access prune removes them).
objects() { (cd "$1" && find . -type f ! -path '*/locks/*' ! -path './.staging/*' | xargs -r sha256sum | sort); }

step "a normal backup, then two append-only backups: each adds, nothing is removed or changed"
arbor_init >/dev/null
"$ARBOR" backup -q "$SRC" >/dev/null
before=$(objects "$ARBOR_REPO")
echo "second" >"$SRC/note.txt"
random_file "$SRC/b.bin" 200000 2
"$ARBOR" --append-only backup -q "$SRC" >/dev/null
echo "third" >"$SRC/note.txt"
ARBOR_APPEND_ONLY=1 "$ARBOR" backup -q "$SRC" >/dev/null
after=$(objects "$ARBOR_REPO")
missing=$(comm -23 <(echo "$before") <(echo "$after"))
[[ -z "$missing" ]] || fail "append-only backups removed or changed: $missing"
[[ $(arbor_json snapshots | python3 -c "import json,sys; print(len(json.load(sys.stdin)))") == 3 ]] ||
  fail "expected 3 snapshots"
"$ARBOR" --append-only verify --read-data >/dev/null

step "commands that delete are refused in append-only mode, and change nothing"
KEY=$(arbor_json key list | python3 -c "import json,sys; print(json.load(sys.stdin)[0]['id'])")
printf 'other\n' >"$WORK/pw2"
all_before=$(cd "$ARBOR_REPO" && find . -type f | sort | xargs sha256sum)
for cmd in "forget --keep-last 1" "forget --keep-last 1 --prune" "prune" "repair index" "repair snapshots --forget" \
  "key remove --force $KEY" "key passwd --new-password-file $WORK/pw2"; do
  # shellcheck disable=SC2086
  expect_exit 1 "$ARBOR" --append-only $cmd
  expect_stderr "append-only"
  # shellcheck disable=SC2086
  expect_exit 1 env ARBOR_APPEND_ONLY=1 "$ARBOR" $cmd
  expect_stderr "append-only"
done
[[ $(cd "$ARBOR_REPO" && find . -type f | sort | xargs sha256sum) == "$all_before" ]] || fail "a refused command changed the repository"

step "key add is allowed (it only adds an object)"
"$ARBOR" --append-only key add --new-password-file "$WORK/pw2" "${CHEAP_KDF[@]}" >/dev/null
ARBOR_PASSWORD=other "$ARBOR" snapshots >/dev/null

step "the full-access client forgets and prunes as before"
"$ARBOR" forget --keep-last 1 --prune >/dev/null
[[ $(arbor_json snapshots | python3 -c "import json,sys; print(len(json.load(sys.stdin)))") == 1 ]] ||
  fail "forget did not run"
"$ARBOR" restore latest --target "$WORK/out" >/dev/null
same_tree "$SRC" "$WORK/out$SRC"
echo "PASS"
