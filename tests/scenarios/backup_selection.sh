#!/usr/bin/env bash
# restic's selection options on `arbor backup`, each checked by what the snapshot holds:
# --iexclude, --exclude-file, --exclude-larger-than, --exclude-if-present, --exclude-caches,
# -x/--one-file-system (a tmpfs mounted inside the source), --files-from[-verbatim],
# --time; and bad values refused before anything is written.
source "$(dirname "$0")/lib.sh"
S="$WORK/src"
mkdir -p "$S/keep" "$S/nobk" "$S/cache" "$S/fakecache" "$S/mnt"
echo a >"$S/keep/a.txt"
echo b >"$S/keep/Report.TMP"
echo c >"$S/keep/notes.bak"
head -c 4096 /dev/urandom >"$S/keep/big.bin"
echo x >"$S/nobk/.nobackup"
echo y >"$S/nobk/data"
printf 'Signature: 8a477f597d28d172789f06886806bc55\n# a cache\n' >"$S/cache/CACHEDIR.TAG"
echo z >"$S/cache/blob"
echo 'not the signature' >"$S/fakecache/CACHEDIR.TAG"
echo w >"$S/fakecache/kept"
arbor_init -q >/dev/null

listing() { "$ARBOR" ls latest | grep -F "$S/" | sed "s#^$S##" | sort; }
has() { grep -qx "$1" <<<"$LIST" || fail "snapshot lacks $1"; }
lacks() { ! grep -qx "$1" <<<"$LIST" || fail "snapshot holds $1"; }

step "--exclude is case-sensitive, --iexclude is not; --exclude-file skips comments"
printf '# backups of editors\n  *.bak  \n\n' >"$WORK/excludes"
"$ARBOR" -q backup "$S" --exclude '*.tmp' --exclude-file "$WORK/excludes"
LIST=$(listing); has /keep/Report.TMP; lacks /keep/notes.bak; has /keep/a.txt
"$ARBOR" -q backup "$S" --iexclude '*.tmp'
LIST=$(listing); lacks /keep/Report.TMP; has /keep/notes.bak

step "--exclude-larger-than 1K leaves out the 4 KiB file only"
"$ARBOR" -q backup "$S" --exclude-larger-than 1K
LIST=$(listing); lacks /keep/big.bin; has /keep/a.txt

step "--exclude-if-present and --exclude-caches keep the directory, empty"
"$ARBOR" -q backup "$S" --exclude-if-present .nobackup --exclude-caches
LIST=$(listing)
has /nobk; lacks /nobk/data; lacks /nobk/.nobackup
has /cache; lacks /cache/blob
has /fakecache/kept  # a CACHEDIR.TAG without the signature is an ordinary file
"$ARBOR" -q backup "$S"
LIST=$(listing); has /nobk/data; has /cache/blob

step "-x: a file system mounted inside the source is kept as an empty directory"
mount -t tmpfs -o size=1m arbor-scenario "$S/mnt" || fail "cannot mount a tmpfs (the scenarios run as root)"
trap 'umount "$S/mnt" 2>/dev/null || true; rm -rf "$WORK"' EXIT
echo inside >"$S/mnt/on-tmpfs"
"$ARBOR" -q backup "$S" -x
LIST=$(listing); has /mnt; lacks /mnt/on-tmpfs; has /keep/a.txt
"$ARBOR" -q backup "$S"
LIST=$(listing); has /mnt/on-tmpfs
"$ARBOR" -q backup "$S/mnt" --one-file-system  # a path given is always read
LIST=$(listing); has /mnt/on-tmpfs
umount "$S/mnt"

step "--files-from skips comments; --files-from-verbatim takes names as they are"
mkdir -p "$S/#hash dir"
echo h >"$S/#hash dir/f"
printf '# what to save\n%s\n\n' "$S/keep/a.txt" >"$WORK/list"
"$ARBOR" -q backup --files-from "$WORK/list"
[[ "$(listing)" == "$(printf '/keep\n/keep/a.txt')" ]] || fail "--files-from saved: $(listing)"
printf '%s\n' "$S/#hash dir" >"$WORK/verbatim"
"$ARBOR" -q backup --files-from-verbatim "$WORK/verbatim"
LIST=$(listing); has "/#hash dir/f"

step "a repeatable option takes one value: --tag t PATH backs up PATH (it swallowed it)"
"$ARBOR" -q backup --tag one --exclude '*.bak' --tag two "$S/keep"
"$ARBOR" snapshots --json | python3 -c "
import json, sys
s = json.load(sys.stdin)[-1]
assert s['tags'] == ['one', 'two'] and s['paths'] == ['$S/keep'], s" || fail "options swallowed the path"

step "--time sets the snapshot's time"
"$ARBOR" -q backup "$S/keep" --time "2020-02-29 12:34:56"
got=$("$ARBOR" snapshots --json | python3 -c 'import json,sys; print(max(s["time_ns"] for s in json.load(sys.stdin) if s["time"].startswith("2020")))')
want=$(python3 -c 'import datetime; print(int(datetime.datetime(2020,2,29,12,34,56).timestamp())*10**9)')
[[ "$got" == "$want" ]] || fail "--time: $got, want $want"

step "bad values: exit 1, a clear message, no snapshot written"
before=$("$ARBOR" snapshots --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
expect_exit 1 "$ARBOR" backup "$S" --exclude-larger-than 12Q
expect_stderr "'12Q' is not a size"
expect_exit 1 "$ARBOR" backup --files-from "$WORK/no-such-list"
expect_stderr "cannot read $WORK/no-such-list"
expect_exit 1 "$ARBOR" backup "$S" --time yesterday
expect_stderr "is not a time"
printf '# only comments\n' >"$WORK/empty-list"
expect_exit 1 "$ARBOR" backup --files-from "$WORK/empty-list"
expect_stderr "nothing to back up"
after=$("$ARBOR" snapshots --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
[[ "$before" == "$after" ]] || fail "a refused backup wrote a snapshot ($before -> $after)"
echo "PASS: backup_selection"
