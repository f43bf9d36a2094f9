#!/usr/bin/env bash
# Bad input gets a clear error, the documented exit code, and loses nothing.
source "$(dirname "$0")/lib.sh"
S="$WORK/src"
mkdir -p "$S/sub"
echo ok > "$S/readable"
echo secret > "$S/sub/unreadable"
chmod 000 "$S/sub/unreadable"

step "no repository: exit 10"
expect_exit 10 "$ARBOR" snapshots
expect_stderr "no repository"
expect_exit 10 env -u ARBOR_REPO "$ARBOR" snapshots
arbor_init >/dev/null
expect_exit 1 arbor_init
expect_stderr "already exists at $ARBOR_REPO (default/default)\$"  # as init printed it, no internal prefix

step "missing source: exit 1, nothing written"
expect_exit 1 "$ARBOR" backup "$WORK/does-not-exist"
expect_stderr "does not exist"
[[ "$("$ARBOR" snapshots --json)" == "[]" ]] || fail "a snapshot was written"

step "unreadable file (as an unprivileged user): exit 3, the rest is saved"
chown -R nobody "$WORK" && chmod 755 "$WORK"
# A copy nobody can execute: the build tree may sit below a directory only root can enter.
install -m 755 "$ARBOR" "$WORK/arbor-as-nobody"
expect_exit 3 runuser -u nobody -- env ARBOR_REPO="$ARBOR_REPO" "$WORK/arbor-as-nobody" backup "$S"
expect_stderr "unreadable"
expect_stderr "Permission denied"
"$ARBOR" ls latest | grep -q "$S/readable" || fail "readable file missing from snapshot"
! "$ARBOR" ls latest | grep -q "unreadable" || fail "unreadable file recorded as if saved"

step "unknown snapshot and ambiguous prefix"
expect_exit 1 "$ARBOR" restore deadbeef --target "$WORK/x"
expect_stderr "no snapshot matches"

step "corrupt config: exit 12, and the repository is left as it was"
cp "$ARBOR_REPO/default/default/config" "$WORK/config.good"
printf 'ARBORCFG\x01\x00\x00\x00{not json' > "$ARBOR_REPO/default/default/config"
expect_exit 12 "$ARBOR" snapshots
expect_stderr "config"
printf 'ARBORCFG\x09\x00\x00\x00{}' > "$ARBOR_REPO/default/default/config"
expect_exit 12 "$ARBOR" snapshots
expect_stderr "format version 9"
cp "$WORK/config.good" "$ARBOR_REPO/default/default/config"
"$ARBOR" snapshots -q >/dev/null

step "full target disk: a clear error"
mkdir -p "$WORK/small"
mount -t tmpfs -o size=1m tmpfs "$WORK/small"
trap 'umount "$WORK/small" 2>/dev/null || true; rm -rf "$WORK"' EXIT
random_file "$S/big" $((4 * 1024 * 1024)) 5
chown nobody "$S/big"
"$ARBOR" backup "$S" -q >/dev/null || [[ $? == 3 ]]
expect_exit 1 "$ARBOR" restore latest --target "$WORK/small/out"
expect_stderr "no space left on $WORK/small/out while writing"
umount "$WORK/small"

step "bad command line: exit 1 with usage"
expect_exit 1 "$ARBOR" backup
expect_stderr "nothing to back up: give PATH"
expect_exit 1 "$ARBOR" forget
expect_stderr "no policy given"
echo "PASS"
