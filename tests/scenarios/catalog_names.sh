#!/usr/bin/env bash
# A share added to the catalog is reached by its names (or ids) without a token: the
# names lead to the "{tenant id}/{share id}" namespace where `share add` and the workers
# put it, -r defaulting to the share's repository. A name differing from the catalog's
# only in case is refused with the right name (it used to make a second, empty
# namespace); names the catalog does not know stay plain namespaces of the repository.
source "$(dirname "$0")/lib.sh"
export ARBOR_CATALOG="$WORK/catalog.db"
R="$WORK/repo"
unset ARBOR_REPO
mkdir -p "$WORK/finance"
echo "ledger" >"$WORK/finance/ledger.txt"

step "share add finance --tenant acme, then --tenant acme --share finance snapshots"
"$ARBOR" tenant add acme >/dev/null
"$ARBOR" -r "$R" share add finance --tenant acme --path "$WORK/finance" >/dev/null
TENANT=$("$ARBOR" tenant list --json | python3 -c "import json,sys; print([t['id'] for t in json.load(sys.stdin) if t['name']=='acme'][0])")
SHARE=$("$ARBOR" share list --json | python3 -c "import json,sys; print([s['id'] for s in json.load(sys.stdin) if s['name']=='finance'][0])")
"$ARBOR" --tenant acme --share finance init "${CHEAP_KDF[@]}" >/dev/null  # -r: the share's repository
[[ -f "$R/$TENANT/$SHARE/config" ]] || fail "the catalog share's namespace is not at $TENANT/$SHARE"
"$ARBOR" --tenant acme --share finance -q backup "$WORK/finance"
"$ARBOR" --tenant acme --share finance ls latest | grep -q "ledger.txt" || fail "backup by names not listed by names"
"$ARBOR" -r "$R" --tenant "$TENANT" --share "$SHARE" ls latest | grep -q "ledger.txt" \
  || fail "backup by names did not land in the ids namespace"
"$ARBOR" --tenant "$TENANT" --share finance snapshots --json | grep -q '"id"' || fail "tenant id + share name"
[[ ! -e "$R/acme" ]] || fail "a namespace named after the tenant's name was made"

step "a name that differs only in case: exit 15, the right name said, nothing made"
expect_exit 15 "$ARBOR" -r "$R" --tenant Acme --share finance init "${CHEAP_KDF[@]}"
expect_stderr "did you mean acme?"
expect_exit 15 "$ARBOR" --tenant acme --share Finance snapshots
expect_stderr "did you mean finance?"
[[ ! -e "$R/Acme" ]] || fail "--tenant Acme made a namespace"

step "a catalog tenant without --share, and a share it does not have: what to do is said"
expect_exit 1 "$ARBOR" --tenant acme snapshots
expect_stderr "name one of its shares with --share"
expect_exit 15 "$ARBOR" --tenant acme --share payroll snapshots
expect_stderr "has no share payroll"

step "share add without a repository: exit 10 and the words of every other command"
expect_exit 10 "$ARBOR" share add payroll --tenant acme --path "$WORK/finance"
expect_stderr "use -r/--repo DIR or set ARBOR_REPO"

step "names the catalog does not know are the repository's own namespaces, as before"
"$ARBOR" -r "$R" --tenant lab --share scratch init "${CHEAP_KDF[@]}" >/dev/null
"$ARBOR" -r "$R" --tenant lab --share scratch -q backup "$WORK/finance"
[[ -f "$R/lab/scratch/config" ]] || fail "a plain namespace is not where its names say"

step "share snapshots takes the share as an argument or as --share (as job submit does)"
a=$("$ARBOR" share snapshots finance --tenant acme)
b=$("$ARBOR" --tenant acme --share finance share snapshots)
[[ "$a" == "$b" && "$a" == ID* ]] || fail "the two forms differ: '$a' vs '$b'"
expect_exit 1 "$ARBOR" share snapshots
expect_stderr "name the share"
expect_exit 1 "$ARBOR" --share payroll share snapshots finance --tenant acme
expect_stderr "two shares named"
echo "PASS: catalog_names"
