#!/usr/bin/env bash
# arbor mount's drop directory for real (FUSE, as root): a tree copied into MNT/.drop with
# `cp -a` becomes, on unmount, one snapshot tagged `drop` whose paths are the share's, and
# it restores identical (content and metadata); .drop is write-only (a read is refused);
# writes outside it stay EROFS; past --drop-limit a write fails with ENOSPC and removing a
# file frees its room; a mount killed mid-copy leaves nothing half-visible: the next mount
# says it discarded the drop (and where it kept the files), and `--commit-drop` commits
# such a leftover without mounting when asked to; while a mount runs, `--commit-drop` asks
# it to commit now (not while a dropped file is open). Every mount is undone in the EXIT
# trap.
source "$(dirname "$0")/lib.sh"
trap cleanup_mounts EXIT

LOG="$WORK/mount.log"
mount_arbor() {  # mount_arbor MNT [options]: in the background, waits until visible
  local mnt=$1; shift
  MOUNTS+=("$mnt")
  : >"$LOG"
  "$ARBOR" mount "$mnt" "$@" 2>>"$LOG" &
  MOUNT_PID=$!
  PIDS+=("$MOUNT_PID")
  wait_for_mount "$mnt" "$MOUNT_PID" "$LOG"
}
unmount() { fusermount3 -u "$M"; wait "$MOUNT_PID" || { cat "$LOG" >&2; fail "arbor mount exited $?"; }; }
drop_snapshots() { ls "$1/by-tag/drop" 2>/dev/null | wc -l; }

step "init and back up the share"
arbor_init >/dev/null
S="$WORK/share"
mkdir -p "$S"
echo "backed up" >"$S/base.txt"
"$ARBOR" backup -q "$S" >/dev/null
M="$WORK/mnt"
mkdir -p "$M"

step "a tree copied into .drop becomes one snapshot tagged drop on unmount"
T="$WORK/tree"
mkdir -p "$T/docs/deep/er" "$T/empty-dir"
random_file "$T/docs/report.bin" $((5 * 1024 * 1024 + 3)) 1
random_file "$T/docs/deep/er/small.bin" 777 2
: >"$T/empty.txt"
echo "note" >"$T/docs/note.txt"
ln -s docs/note.txt "$T/link"
chmod 600 "$T/docs/note.txt"
chown 1234:5678 "$T/docs/deep/er/small.bin"
setfattr -n user.origin -v dropped "$T/docs/note.txt"
touch -d '2020-02-02 02:02:02.123456789' "$T/docs/report.bin"
mount_arbor "$M" --drop-limit 64MiB
[[ -d "$M/.drop" ]] || fail ".drop is not at the top of a -r mount"
cp -a "$T/." "$M/.drop/"
[[ "$(ls "$M/.drop" | tr '\n' ' ')" == "docs empty-dir empty.txt link " ]] || fail ".drop lists: $(ls "$M/.drop")"
set +e; out=$(cat "$M/.drop/docs/note.txt" 2>&1); rc=$?; set -e
[[ $rc != 0 && "$out" == *"Permission denied"* ]] || fail "a dropped file could be read back: $out"
echo "renamed within the drop" >"$M/.drop/tmp.txt"
mv "$M/.drop/tmp.txt" "$M/.drop/docs/moved.txt"
echo "renamed within the drop" >"$T/docs/moved.txt"
echo "dropped by mistake" >"$M/.drop/oops.txt"
rm "$M/.drop/oops.txt"
# The expected tree gets the same file; its times are taken from the drop's (stat works).
touch -r "$M/.drop/docs/moved.txt" "$T/docs/moved.txt"
touch -r "$T/docs" "$M/.drop/docs"

step "writes outside .drop are still EROFS"
latest_src="$M/latest$S"
for cmd in "touch $latest_src/new" "mkdir $M/snapshots/x" "rm $latest_src/base.txt" "touch $M/new-top" \
           "chmod 600 $latest_src/base.txt" "rmdir $M/.drop"; do
  set +e; out=$(bash -c "$cmd" 2>&1); rc=$?; set -e
  [[ $rc != 0 && "$out" == *"Read-only file system"* ]] || fail "'$cmd' was not refused with EROFS: rc=$rc $out"
done
# A move out of .drop is refused (EXDEV, and mv's fallback cannot read the dropped file).
mv "$M/.drop/empty.txt" "$latest_src/" 2>/dev/null && fail "a dropped file was moved into a snapshot"
[[ -e "$M/.drop/empty.txt" && ! -e "$latest_src/empty.txt" ]] || fail "a refused move changed something"

step "unmount commits; the snapshot restores identical at the share's path"
unmount
grep -q "the drop was committed as snapshot .* tagged drop" "$LOG" || { cat "$LOG" >&2; fail "unmount did not say it committed"; }
"$ARBOR" restore latest --target "$WORK/restored" >/dev/null
[[ ! -e "$WORK/restored$S/base.txt" ]] || fail "the drop snapshot holds more than the drop"
same_tree "$T" "$WORK/restored$S"
mount_arbor "$M"
[[ $(drop_snapshots "$M") == 1 ]] || fail "by-tag/drop does not hold one snapshot"
[[ -z "$(ls -A "$M/.drop")" ]] || fail "the committed drop is still staged"

step "past --drop-limit a write fails with ENOSPC; removing a file frees its room"
unmount
mount_arbor "$M" --drop-limit 1MiB
set +e; out=$(head -c $((2 * 1024 * 1024)) /dev/zero 2>&1 >"$M/.drop/big.bin"); rc=$?; set -e
[[ $rc != 0 && "$out" == *"No space left on device"* ]] || fail "a write past the limit was not ENOSPC: rc=$rc $out"
rm "$M/.drop/big.bin"
head -c $((900 * 1024)) /dev/zero >"$M/.drop/fits.bin" || fail "the room of a removed file was not freed"
unmount
grep -q "the drop was committed" "$LOG" || fail "the drop within the limit was not committed"

step "kill -9 mid-copy: the next mount discards the unfinished drop and says so"
mount_arbor "$M"
( for i in $(seq 1 200); do head -c 65536 /dev/urandom >"$M/.drop/part-$i.bin" || exit 0; done ) 2>/dev/null &
writer=$!
sleep 0.5
kill -9 "$MOUNT_PID"
wait "$MOUNT_PID" 2>/dev/null || true
wait "$writer" || true
fusermount3 -u "$M"
mount_arbor "$M"
grep -q "was discarded, not committed" "$LOG" || { cat "$LOG" >&2; fail "the next mount did not say it discarded the drop"; }
[[ -z "$(ls -A "$M/.drop")" ]] || fail "the unfinished drop is visible in .drop"
[[ $(drop_snapshots "$M") == 2 ]] || fail "the unfinished drop became a snapshot"
kept=$(ls -d "$ARBOR_STATE_DIR"/mount-drop/*/discarded-* | head -1)
ls "$kept" | grep -q "part-" || fail "the discarded files were not kept in $kept"
unmount

step "--commit-drop commits what a killed mount left, without mounting"
mount_arbor "$M"
echo "finished copy" >"$M/.drop/finished.txt"
kill -9 "$MOUNT_PID"
wait "$MOUNT_PID" 2>/dev/null || true
fusermount3 -u "$M"
expect_exit 0 "$ARBOR" mount --commit-drop
expect_stderr "was committed as snapshot"
"$ARBOR" restore latest --target "$WORK/restored2" >/dev/null
[[ "$(cat "$WORK/restored2$S/finished.txt")" == "finished copy" ]] || fail "--commit-drop did not commit the leftover"
expect_exit 0 "$ARBOR" mount --commit-drop
expect_stderr "no drop is staged"
expect_exit 1 "$ARBOR" mount "$M" --commit-drop
expect_stderr "give no MNT"

step "--commit-drop while mounted: the running mount commits now and goes on serving"
mount_arbor "$M"
echo "committed while mounted" >"$M/.drop/live.txt"
exec 3>"$M/.drop/still-open.txt"  # a copy still writing: committing now would cut it off
expect_exit 1 "$ARBOR" mount --commit-drop
expect_stderr "still open for writing"
exec 3>&-
sleep 0.5  # the kernel releases the closed file asynchronously
expect_exit 0 "$ARBOR" mount --commit-drop
expect_stderr "the drop was committed as snapshot .* (by the running mount)"
[[ -z "$(ls -A "$M/.drop")" ]] || fail "the drop committed while mounted is still staged"
sleep 1.2  # the snapshot list is read again after a second
[[ "$(cat "$M/latest$S/live.txt")" == "committed while mounted" ]] || fail "latest is not the drop committed while mounted"
[[ -e "$M/latest$S/still-open.txt" ]] || fail "the closed file is not in the drop"
echo "after the commit" >"$M/.drop/next.txt"
unmount
grep -q "committed as snapshot .* (asked by --commit-drop)" "$LOG" || { cat "$LOG" >&2; fail "the mount did not say it committed"; }
grep -q "the drop was committed as snapshot .* tagged drop (1 file" "$LOG" || { cat "$LOG" >&2; fail "unmount did not commit only the file dropped after"; }
echo "PASS"
