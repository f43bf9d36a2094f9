#!/usr/bin/env bash
# arbor mount over the catalog (no -r): the operator sees every tenant's shares as
# MNT/<tenant>/<share>/{snapshots,latest,by-tag}; a tenant token sees only its own tenant
# (the other is absent, and naming it is refused exactly as a tenant that does not exist,
# exit 15); --tenant/--share narrow the view; a wrong token is refused (exit 16). Every
# mount is undone in the EXIT trap. A tenant's drop (MNT/<tenant>/<share>/.drop) becomes a
# snapshot of that share tagged drop.
source "$(dirname "$0")/lib.sh"
export ARBOR_CATALOG="$WORK/catalog.db"
REPO="$WORK/repo"
unset ARBOR_REPO
MOUNTS=()
cleanup() {
  local m
  for m in "${MOUNTS[@]}"; do fusermount3 -u "$m" 2>/dev/null || fusermount3 -u -z "$m" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
json_id() { python3 -c "import json,sys; print(json.loads(sys.stdin.read().splitlines()[-1])['id'])"; }

# mount_as TOKEN MNT [options]: mounts in the background, waits until visible.
mount_as() {
  local token=$1 mnt=$2; shift 2
  mkdir -p "$mnt"
  MOUNTS+=("$mnt")
  ARBOR_TOKEN=$token "$ARBOR" mount "$mnt" "$@" 2>>"$WORK/mount.log" &
  MOUNT_PID=$!
  wait_for_mount "$mnt" "$MOUNT_PID" "$WORK/mount.log"
}
unmount() { fusermount3 -u "$1"; wait "$MOUNT_PID" || fail "arbor mount exited $?"; }

step "tenants acme and globex, a share 'docs' in each, backed up by jobs"
"$ARBOR" tenant add acme >/dev/null
"$ARBOR" tenant add globex >/dev/null
mkdir -p "$WORK/acme" "$WORK/globex"
echo "acme secret" >"$WORK/acme/a.txt"
echo "globex secret" >"$WORK/globex/b.txt"
"$ARBOR" -r "$REPO" share add docs --tenant acme --path "$WORK/acme" --json >/dev/null
"$ARBOR" -r "$REPO" share add docs --tenant globex --path "$WORK/globex" --json >/dev/null
TA=$("$ARBOR" token create --tenant acme)
TB=$("$ARBOR" token create --tenant globex)
ARBOR_TOKEN=$TA "$ARBOR" job submit backup --share docs --run >/dev/null
ARBOR_TOKEN=$TB "$ARBOR" job submit backup --share docs --run >/dev/null

step "the operator sees both tenants"
M="$WORK/mnt-operator"
mount_as "" "$M"
[[ "$(ls "$M" | tr '\n' ' ')" == "acme globex " ]] || fail "operator mount top: $(ls "$M")"
[[ "$(cat "$M/acme/docs/latest$WORK/acme/a.txt")" == "acme secret" ]] || fail "acme's file not readable"
[[ "$(cat "$M/globex/docs/latest$WORK/globex/b.txt")" == "globex secret" ]] || fail "globex's file not readable"
[[ -d "$M/acme/docs/snapshots" && -d "$M/acme/docs/by-tag" ]] || fail "a share lacks its layout"
unmount "$M"

step "a tenant token sees only its own tenant"
M="$WORK/mnt-acme"
mount_as "$TA" "$M"
[[ "$(ls "$M")" == "acme" ]] || fail "acme's token sees: $(ls "$M")"
[[ ! -e "$M/globex" ]] || fail "acme's token reaches globex"
grep -rq "globex secret" "$M" && fail "globex's data is visible to acme's token"
[[ "$(cat "$M/acme/docs/latest$WORK/acme/a.txt")" == "acme secret" ]] || fail "acme's own file not readable"
unmount "$M"

step "naming another tenant, an unknown share or a wrong token is refused"
mkdir -p "$WORK/mnt-bad"
expect_exit 15 env ARBOR_TOKEN="$TA" "$ARBOR" mount "$WORK/mnt-bad" --tenant globex
expect_stderr "not found"
expect_exit 15 env ARBOR_TOKEN="$TA" "$ARBOR" mount "$WORK/mnt-bad" --tenant no-such-tenant
expect_stderr "not found"
expect_exit 15 env ARBOR_TOKEN="$TA" "$ARBOR" mount "$WORK/mnt-bad" --share no-such-share
expect_stderr "not found"
expect_exit 16 env ARBOR_TOKEN="arbor_not_a_real_token" "$ARBOR" mount "$WORK/mnt-bad"
mountpoint -q "$WORK/mnt-bad" && fail "a refused mount was mounted"

step "--tenant and --share narrow the operator's view"
M="$WORK/mnt-one"
mount_as "" "$M" --tenant globex --share docs
[[ "$(ls "$M")" == "globex" && "$(ls "$M/globex")" == "docs" ]] || fail "narrowed view: $(ls -R "$M" | head)"
unmount "$M"
step "a tenant drops a file into its share's .drop; unmount makes it a snapshot of that share"
M="$WORK/mnt-drop"
mount_as "$TA" "$M"
[[ -d "$M/acme/docs/.drop" ]] || fail "the share has no .drop"
echo "dropped by acme" >"$M/acme/docs/.drop/new.txt"
unmount "$M"
grep -q "acme/docs: the drop was committed as snapshot" "$WORK/mount.log" || { cat "$WORK/mount.log" >&2; fail "no commit"; }
mount_as "$TA" "$M"
[[ "$(cat "$M/acme/docs/latest$WORK/acme/new.txt")" == "dropped by acme" ]] || fail "the drop is not the share's latest"
[[ $(ls "$M/acme/docs/by-tag/drop" | wc -l) == 1 ]] || fail "the drop snapshot is not tagged drop"
unmount "$M"

echo "PASS"
