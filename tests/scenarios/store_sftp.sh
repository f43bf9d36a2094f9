#!/usr/bin/env bash
# A repository on an SFTP server (a real OpenSSH sshd started here, on a loopback port,
# with a throwaway host key): init, backup (with a file larger than a pack), restore
# identical, verify --read-data, forget --prune; kill -9 mid-upload and the server
# killed and restarted mid-backup, each followed by a clean backup and verify; a full
# disk on the server; wrong key, unknown and changed host keys, a missing directory.
# The user key and known_hosts sit where OpenSSH keeps them (~/.ssh, with HOME here).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/../support/servers.sh"
mkdir -p "$WORK/remote"
setup_sshd
D=$SSHD_DIR
P=$SFTP_PORT
ssh-keygen -q -t ed25519 -N '' -C arbor-test -f "$WORK/wrong_key"

descendants() {  # every process below pid $1
  local kids
  kids=$(ps -o pid= --ppid "$1" || true)
  for k in $kids; do echo "$k"; descendants "$k"; done
}
stop_sshd() {  # SIGKILL the server and every session it forked, as when its machine dies
  [[ -n "$SSHD_PID" ]] || return 0
  kill -STOP "$SSHD_PID" 2>/dev/null || true
  local all
  all="$(descendants "$SSHD_PID") $SSHD_PID"
  kill -9 $all 2>/dev/null || true
  wait "$SSHD_PID" 2>/dev/null || true
  SSHD_PID=""
}
trap 'stop_sshd; stop_servers; umount "$WORK/small" 2>/dev/null || true; rm -rf "$WORK"' EXIT
run_sshd

USER_AT="$(id -un)@127.0.0.1:$P"
REMOTE="$WORK/remote/repo"
export ARBOR_REPO="sftp://$USER_AT$REMOTE"
S="$WORK/src"
mkdir -p "$S/docs"
for i in $(seq 1 200); do echo "document $i" >"$S/docs/d$i.txt"; done
random_file "$S/big.bin" $((40 * 1024 * 1024)) 1  # above the 32 MiB pack size

temporaries() { find "$REMOTE" -name '.arbor-tmp-*' | wc -l; }
wait_for_upload() {  # until a temporary of at least $1 bytes is on the server (or 60 s)
  for _ in $(seq 1 1200); do
    [[ -n "$(find "$REMOTE" -name '.arbor-tmp-*' -size +"$1"c 2>/dev/null | head -1)" ]] && return 0
    sleep 0.05
  done
  fail "no upload under way"
}

step "init creates the directory on the server"
arbor_init -q >/dev/null
[[ -f "$REMOTE/default/default/config" ]] || fail "no config under $REMOTE: $(find "$REMOTE" | head)"

step "backup, restore identical, verify --read-data"
"$ARBOR" backup "$S" -q >/dev/null
"$ARBOR" restore latest --target "$WORK/r1" -q >/dev/null
same_tree "$S" "$WORK/r1$S"
"$ARBOR" verify --read-data -q >/dev/null || fail "verify --read-data after the first backup"
[[ $(temporaries) == 0 ]] || fail "a finished backup left temporaries"

step "forget --keep-last 1 --prune"
echo "changed" >>"$S/docs/d1.txt"
rm "$S/docs/d2.txt"
"$ARBOR" backup "$S" -q >/dev/null
"$ARBOR" forget --keep-last 1 --prune -q >/dev/null
[[ $("$ARBOR" snapshots --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') == 1 ]] ||
  fail "forget kept more than one snapshot"
"$ARBOR" verify --read-data -q >/dev/null || fail "verify after prune"
"$ARBOR" restore latest --target "$WORK/r2" -q >/dev/null
same_tree "$S" "$WORK/r2$S"

step "kill -9 of a backup mid-upload, then a new backup verifies clean"
random_file "$S/big2.bin" $((150 * 1024 * 1024)) 2
"$ARBOR" backup "$S" -q >/dev/null 2>&1 &
BACKUP=$!
wait_for_upload $((4 * 1024 * 1024))
kill -9 "$BACKUP"
wait "$BACKUP" 2>/dev/null || true
[[ $(temporaries) -ge 1 ]] || fail "expected the killed upload's temporary on the server"
"$ARBOR" backup "$S" -q >/dev/null
"$ARBOR" verify --read-data -q >/dev/null || fail "verify after a killed backup"
"$ARBOR" restore latest --target "$WORK/r3" -q >/dev/null
same_tree "$S" "$WORK/r3$S"

step "the server killed and restarted mid-backup: the backup ends (done or a clear error), the next verifies"
random_file "$S/big3.bin" $((150 * 1024 * 1024)) 3
"$ARBOR" backup "$S" -q >"$WORK/cut.out" 2>"$WORK/cut.err" &
BACKUP=$!
wait_for_upload $((4 * 1024 * 1024))
stop_sshd
sleep 1
run_sshd
set +e
wait "$BACKUP"
rc=$?
set -e
if [[ $rc != 0 ]]; then
  grep -q "connection lost\|cannot connect" "$WORK/cut.err" || { cat "$WORK/cut.err" >&2; fail "unclear error"; }
fi
"$ARBOR" backup "$S" -q >/dev/null
"$ARBOR" verify --read-data -q >/dev/null || fail "verify after the server restart"
"$ARBOR" restore latest --target "$WORK/r4" -q >/dev/null
same_tree "$S" "$WORK/r4$S"

step "a wrong key: clear error, non-zero exit, no secret printed"
expect_exit 12 "$ARBOR" --ssh-key "$WORK/wrong_key" snapshots
expect_stderr "authentication to $USER_AT failed"
expect_stderr "$WORK/wrong_key"
while read -r line; do
  [[ $line == -----* ]] && continue
  ! grep -qF -- "$line" "$WORK/last.err" "$WORK/last.out" || fail "private key material printed"
done <"$WORK/wrong_key"
ARBOR_SSH_KEY="$WORK/wrong_key" expect_exit 12 "$ARBOR" snapshots
expect_stderr "authentication to $USER_AT failed"

step "an unknown host key is refused and not recorded"
cp "$HOME/.ssh/known_hosts" "$WORK/known_hosts.good"
: >"$HOME/.ssh/known_hosts"
expect_exit 12 "$ARBOR" snapshots
expect_stderr "is not known"
[[ ! -s "$HOME/.ssh/known_hosts" ]] || fail "arbor wrote known_hosts"

step "a changed host key is refused"
echo "[127.0.0.1]:$P $(cut -d' ' -f1,2 "$WORK/wrong_key.pub")" >"$HOME/.ssh/known_hosts"
expect_exit 12 "$ARBOR" snapshots
expect_stderr "has CHANGED"
cp "$WORK/known_hosts.good" "$HOME/.ssh/known_hosts"

step "a directory that does not exist on the server"
expect_exit 10 "$ARBOR" -r "sftp://$USER_AT$WORK/remote/nothing-here" snapshots
expect_stderr "no repository at sftp://$USER_AT$WORK/remote/nothing-here"
[[ ! -e "$WORK/remote/nothing-here" ]] || fail "opening created the directory"

step "a full disk on the server: a clear NoSpace error, then the repository still verifies"
mkdir -p "$WORK/small"
mount -t tmpfs -o size=24m tmpfs "$WORK/small" || fail "mounting a tmpfs needs root"
SMALL="sftp://$USER_AT$WORK/small/repo"
arbor_init -r "$SMALL" -q >/dev/null
expect_exit 1 "$ARBOR" -r "$SMALL" backup "$S/big.bin" -q
expect_stderr "no space left on the server's disk"
[[ -z "$(find "$WORK/small" -name '.arbor-tmp-*')" ]] || fail "a failed upload left its temporary"
"$ARBOR" -r "$SMALL" verify --read-data -q >/dev/null || fail "verify after the full disk"
umount "$WORK/small"

echo "PASS"
