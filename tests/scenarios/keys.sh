#!/usr/bin/env bash
# Encryption as users see it (issue 13): a real `arbor backup` into an encrypted repository
# leaves no known plaintext in any object (content, file names, SHA-256), while the same
# search finds them in an --insecure-no-encryption one (so the search can find); `arbor key`
# add/remove/passwd rotate passwords without touching data; a wrong, empty or missing
# password, a corrupt key object and a truncated config each exit 12 and change nothing;
# raw key files open a repository for machines; given a password, writes into an
# unencrypted repository are refused (downgrade protection) and reads are not.
source "$(dirname "$0")/lib.sh"

SRC="$WORK/src"
mkdir -p "$SRC/narwhal_directory_7f3a"
BIG="$SRC/narwhal_directory_7f3a/quokka_known_plaintext_91c2.bin"
random_file "$BIG" 1048576 4242
SMALL="$SRC/okapi_small_file_2b8d.txt"
printf 'axolotl distinctive small content 5d1e\n' >"$SMALL"
BIG_SHA=$(sha256sum "$BIG" | cut -c1-64)
SMALL_SHA=$(sha256sum "$SMALL" | cut -c1-64)

# plaintext_hits DIR: one line per needle found in any file under DIR ("needle: file").
plaintext_hits() {
  python3 - "$1" "$BIG" "$SMALL" "$BIG_SHA" "$SMALL_SHA" <<'PY'
import os, struct, subprocess, sys, tarfile
root, big, small, big_sha, small_sha = sys.argv[1:6]
data = open(big, "rb").read()
needles = {f"content@{o}": data[o:o + 64] for o in (0, 300000, 700001, len(data) - 64)}
needles.update({
    "small-content": open(small, "rb").read(),
    "name-dir": b"narwhal_directory_7f3a", "name-big": b"quokka_known_plaintext_91c2",
    "name-small": b"okapi_small_file_2b8d",
    "big-sha-hex": big_sha.encode(), "big-sha-raw": bytes.fromhex(big_sha),
    "small-sha-hex": small_sha.encode(), "small-sha-raw": bytes.fromhex(small_sha),
})
# Every object as stored, and every blob of a pack that is zstd (codec byte 0x01,
# docs/format/repository.md) decompressed too: names in trees are compressed in the clear.
# A blob is a member of its own or one of a group member's (u32 table size, the table:
# u32 count, count x (type, id[32], varint length, varint raw_length), then the blobs).
# An encrypted pack's table is sealed (it does not parse): the group is then looked at whole.
def varint(b, at):
    v = shift = 0
    while at < len(b):
        v |= (b[at] & 0x7F) << shift
        at += 1
        if b[at - 1] < 0x80:
            return v, at
        shift += 7
    raise ValueError("cut varint")
def group_lengths(body):
    table = struct.unpack_from("<I", body, 0)[0]
    t = body[4:4 + table]
    count, at, lengths = struct.unpack_from("<I", t, 0)[0], 4, []
    for _ in range(count):
        if at + 33 > len(t):
            return None
        length, at = varint(t, at + 33)
        _, at = varint(t, at)
        lengths.append(length)
    return lengths if at == len(t) else None
def blobs(member, body):
    lengths = None
    if member.name.startswith(".arbor-group-"):
        try:
            lengths = group_lengths(body)
        except (ValueError, struct.error):
            lengths = None
    if lengths is None:
        yield body
        return
    at = 4 + struct.unpack_from("<I", body, 0)[0]
    for length in lengths:
        yield body[at:at + length]
        at += length
def views(path):
    blob = open(path, "rb").read()
    yield blob
    if path.endswith(".tar"):
        with tarfile.open(path) as t:
            for m in t.getmembers():
                for body in blobs(m, t.extractfile(m).read() if m.isfile() else b""):
                    if body[:1] == b"\x01":
                        yield subprocess.run(["zstd", "-dc"], input=body[1:], capture_output=True).stdout
for d, _, files in os.walk(root):
    for f in files:
        path = os.path.join(d, f)
        for view in views(path):
            for label, n in needles.items():
                if n in view:
                    print(f"{label}: {os.path.relpath(path, root)}")
PY
}

# tree_hash DIR [EXCLUDE]: one hash of every file's path and content (EXCLUDE: a path regex).
tree_hash() {
  (cd "$1" && find . -type f | sort | grep -v -E "${2:-^$}" | xargs -r sha256sum) | sha256sum | cut -c1-64
}

step "known plaintext: a backup into an encrypted repository reveals none of it"
arbor_init >/dev/null
"$ARBOR" backup -q "$SRC" >/dev/null
[[ $(ls "$ARBOR_REPO"/default/default/packs/*/*.tar | wc -l) -ge 2 ]] || fail "no packs written"
hits=$(plaintext_hits "$ARBOR_REPO")
[[ -z "$hits" ]] || fail "known plaintext found in the encrypted repository: $hits"

step "the same search finds it all in an --insecure-no-encryption repository"
PLAIN="$WORK/plain"
"$ARBOR" -r "$PLAIN" init --insecure-no-encryption >/dev/null 2>"$WORK/insecure.err"
grep -q "not encrypted" "$WORK/insecure.err" || fail "--insecure-no-encryption did not say what it gives up"
"$ARBOR" -r "$PLAIN" --insecure-no-encryption backup -q "$SRC" >/dev/null
hits=$(plaintext_hits "$PLAIN")
# The small file's id is in its group's table (raw), no longer a member name (hex).
for needle in content@0 content@300000 content@700001 small-content name-dir name-big name-small small-sha-raw; do
  grep -q "^$needle: " <<<"$hits" || fail "the search did not find $needle in the plain repository: $hits"
done
"$ARBOR" init --help | grep -q -- "--insecure-no-encryption" || fail "init --help lacks --insecure-no-encryption"

step "key add: a second password opens the repository too"
printf 'second password\n' >"$WORK/pw2"
OLD_KEY=$(arbor_json key list | python3 -c "import json,sys; print([k['id'] for k in json.load(sys.stdin) if k['current']][0])")
"$ARBOR" key add --new-password-file "$WORK/pw2" "${CHEAP_KDF[@]}" >/dev/null
[[ $(arbor_json key list | python3 -c "import json,sys; print(len(json.load(sys.stdin)))") == 2 ]] || fail "not two keys"
DATA_BEFORE=$(tree_hash "$ARBOR_REPO" '/keys/|/locks/')
"$ARBOR" --password-file "$WORK/pw2" snapshots >/dev/null
"$ARBOR" key list | grep -q "^\* ${OLD_KEY:0:8}" || fail "key list does not mark the key in use"

step "key remove: refused for the key in use without --force, and for a wrong id"
expect_exit 1 "$ARBOR" key remove "$OLD_KEY"
expect_stderr "--force"
expect_exit 1 "$ARBOR" key remove 0000000
expect_stderr "no key"

step "rotation: remove the old key with the new password; everything opens with the new one only"
ARBOR_PASSWORD="second password" "$ARBOR" key remove "${OLD_KEY:0:8}" >/dev/null
expect_exit 12 "$ARBOR" snapshots
expect_stderr "wrong password"
export ARBOR_PASSWORD="second password"
"$ARBOR" verify --read-data >/dev/null
"$ARBOR" restore latest --target "$WORK/out1" >/dev/null
same_tree "$SRC" "$WORK/out1$SRC"
[[ $(tree_hash "$ARBOR_REPO" '/keys/|/locks/') == "$DATA_BEFORE" ]] || fail "key add/remove changed data objects"

step "the last key cannot be removed"
LAST=$(arbor_json key list | python3 -c "import json,sys; print(json.load(sys.stdin)[0]['id'])")
expect_exit 1 "$ARBOR" key remove --force "$LAST"
expect_stderr "last key"
[[ $(ls "$ARBOR_REPO/default/default/keys" | wc -l) == 1 ]] || fail "the last key was removed"

step "key passwd: changes only the wrapping (config and data objects byte for byte the same)"
printf 'third password\n' >"$WORK/pw3"
"$ARBOR" key passwd --new-password-file "$WORK/pw3" "${CHEAP_KDF[@]}" >/dev/null
[[ $(tree_hash "$ARBOR_REPO" '/keys/|/locks/') == "$DATA_BEFORE" ]] || fail "passwd changed data or config objects"
[[ $(ls "$ARBOR_REPO/default/default/keys" | wc -l) == 1 ]] || fail "passwd left $(ls "$ARBOR_REPO/default/default/keys" | wc -l) keys"
expect_exit 12 "$ARBOR" snapshots
export ARBOR_PASSWORD="third password"
"$ARBOR" restore latest --target "$WORK/out2" >/dev/null
same_tree "$SRC" "$WORK/out2$SRC"

# refused CODE TEXT cmd...: the command exits CODE naming TEXT, and no file of the
# repository changed (nothing written, nothing removed).
refused() {
  local code=$1 text=$2 before
  shift 2
  before=$(tree_hash "$ARBOR_REPO")
  expect_exit "$code" "$@"
  expect_stderr "$text"
  [[ $(tree_hash "$ARBOR_REPO") == "$before" ]] || fail "the repository changed: $*"
}

step "wrong, empty and missing passwords: exit 12, nothing written"
refused 12 "wrong password" env ARBOR_PASSWORD=nope "$ARBOR" backup -q "$SRC"
refused 12 "wrong password" env ARBOR_PASSWORD=nope "$ARBOR" forget --keep-last 1
refused 12 "empty" env ARBOR_PASSWORD= "$ARBOR" backup -q "$SRC"
printf '\n' >"$WORK/empty-pw"
refused 12 "empty" "$ARBOR" --password-file "$WORK/empty-pw" snapshots
refused 12 "ARBOR_PASSWORD_FILE" env -u ARBOR_PASSWORD "$ARBOR" snapshots </dev/null
refused 12 "exited with status 1" env -u ARBOR_PASSWORD "$ARBOR" --password-command false snapshots
refused 12 "password file" "$ARBOR" --password-file "$WORK/no-such-file" snapshots
refused 12 "no terminal" "$ARBOR" key add </dev/null
refused 12 "ARBOR_PASSWORD" env -u ARBOR_PASSWORD "$ARBOR" -r "$WORK/new" init </dev/null
# the password from a command, without a shell
printf 'third password' >"$WORK/pw3-noeol"
"$ARBOR" --password-command "cat $WORK/pw3-noeol" snapshots >/dev/null

step "corrupt key object, truncated config: exit 12, nothing written"
KEYFILE=$(ls "$ARBOR_REPO"/default/default/keys/*)
cp "$KEYFILE" "$WORK/key.good"
python3 - "$KEYFILE" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
i = b.index(b'"master_key"') + 30  # a hex digit inside the wrapped master key
b[i] = ord("0") if b[i] != ord("0") else ord("1")
open(p, "wb").write(b)
PY
refused 12 "wrong password" "$ARBOR" backup -q "$SRC"
head -c 30 "$WORK/key.good" >"$KEYFILE"
refused 12 "key" "$ARBOR" backup -q "$SRC"
cp "$WORK/key.good" "$KEYFILE"
CONFIG="$ARBOR_REPO/default/default/config"
cp "$CONFIG" "$WORK/config.good"
head -c 40 "$WORK/config.good" >"$CONFIG"
refused 12 "config" "$ARBOR" backup -q "$SRC"
refused 12 "config" "$ARBOR" snapshots
cp "$WORK/config.good" "$CONFIG"
"$ARBOR" verify >/dev/null

step "raw key files: init and key add --new-key-file, open with --key-file or ARBOR_KEY_FILE"
KEYED="$WORK/keyed"
env -u ARBOR_PASSWORD "$ARBOR" -r "$KEYED" init --new-key-file "$WORK/machine.key" -q >/dev/null
[[ $(stat -c %a "$WORK/machine.key") == 600 ]] || fail "the key file is not private"
grep -qxE '[0-9a-f]{64}' "$WORK/machine.key" || fail "the key file does not hold 64 hex digits"
env -u ARBOR_PASSWORD "$ARBOR" -r "$KEYED" --key-file "$WORK/machine.key" backup -q "$SRC" >/dev/null
# a key file wins over a password that is also set (here a wrong one)
ARBOR_KEY_FILE="$WORK/machine.key" "$ARBOR" -r "$KEYED" restore latest --target "$WORK/keyed-restore" -q >/dev/null
cmp "$BIG" "$WORK/keyed-restore$BIG" || fail "restore with the key file"
[[ -z $(plaintext_hits "$KEYED") ]] || fail "a key-file repository holds plaintext"
"$ARBOR" -r "$WORK/other-keyed" init --new-key-file "$WORK/other.key" -q >/dev/null
KEYED_BEFORE=$(tree_hash "$KEYED")
expect_exit 12 "$ARBOR" -r "$KEYED" --key-file "$WORK/other.key" snapshots
expect_stderr "wrong"
printf '%s\n' "$(head -c 62 "$WORK/machine.key")" >"$WORK/short.key"
expect_exit 12 "$ARBOR" -r "$KEYED" --key-file "$WORK/short.key" backup -q "$SRC"
expect_stderr "64 hex digits"
expect_exit 12 "$ARBOR" -r "$KEYED" --key-file "$WORK/no-such.key" snapshots
expect_stderr "cannot read the key file"
expect_exit 12 env -u ARBOR_PASSWORD "$ARBOR" -r "$KEYED" snapshots </dev/null
[[ $(tree_hash "$KEYED") == "$KEYED_BEFORE" ]] || fail "a refused open changed the repository"
# an existing file is never overwritten, and nothing is made then
cp "$WORK/machine.key" "$WORK/machine.key.copy"
expect_exit 12 "$ARBOR" -r "$WORK/never-made" init --new-key-file "$WORK/machine.key"
expect_stderr "exists"
cmp "$WORK/machine.key" "$WORK/machine.key.copy" || fail "init overwrote a key file"
[[ ! -e "$WORK/never-made/default/default/config" ]] || fail "init made a repository without a usable key"
# key add --new-key-file on the password repository: both open it
"$ARBOR" key add --new-key-file "$WORK/added.key" >/dev/null
env -u ARBOR_PASSWORD "$ARBOR" --key-file "$WORK/added.key" snapshots >/dev/null
"$ARBOR" snapshots >/dev/null
"$ARBOR" key list | grep -q raw || fail "key list does not show the raw key"

step "downgrade: given a password, writes into an unencrypted repository are refused, reads are not"
# As if someone had replaced the encrypted repository by an unencrypted one: the next
# backup must not go there in clear.
ENCRYPTED_REPO=$ARBOR_REPO
export ARBOR_REPO="$WORK/replaced"
env -u ARBOR_PASSWORD "$ARBOR" init --insecure-no-encryption -q >/dev/null 2>&1
env -u ARBOR_PASSWORD "$ARBOR" backup -q "$SRC" >/dev/null  # no password: plain use as before
printf 'file password\n' >"$WORK/pw-file"
refused 12 "not encrypted" "$ARBOR" backup -q "$SRC"
refused 12 "insecure-no-encryption" env -u ARBOR_PASSWORD "$ARBOR" --password-file "$WORK/pw-file" backup -q "$SRC"
refused 12 "not encrypted" "$ARBOR" forget --keep-last 1
refused 12 "not encrypted" "$ARBOR" prune
refused 12 "not encrypted" "$ARBOR" key add --new-password-file "$WORK/pw-file"
refused 12 "not encrypted" "$ARBOR" copy --all --to "$WORK/downgrade-copy"
[[ ! -e "$WORK/downgrade-copy" ]] || fail "a refused copy made its target"
"$ARBOR" snapshots >/dev/null
"$ARBOR" ls latest >/dev/null
"$ARBOR" verify --read-data >/dev/null
"$ARBOR" restore latest --target "$WORK/downgrade-restore" -q >/dev/null
cmp "$SMALL" "$WORK/downgrade-restore$SMALL" || fail "restore from the unencrypted repository"
"$ARBOR" --insecure-no-encryption backup -q "$SRC" >/dev/null
[[ $("$ARBOR" snapshots --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') == 2 ]] \
  || fail "--insecure-no-encryption did not let the backup write"
export ARBOR_REPO=$ENCRYPTED_REPO

step "migration: copy --to an encrypted repository re-chunks a v1 repository's snapshots into it"
V1="$WORK/v1"
env -u ARBOR_PASSWORD "$ARBOR" -r "$V1" init --insecure-no-encryption -q >/dev/null 2>&1
env -u ARBOR_PASSWORD "$ARBOR" -r "$V1" backup -q --tag first "$SRC" >/dev/null
random_file "$SRC/later_added.bin" 300000 77
printf 'changed\n' >>"$SMALL"
env -u ARBOR_PASSWORD "$ARBOR" -r "$V1" backup -q --tag second "$SRC" >/dev/null
MIGRATED="$WORK/migrated"
# without an encrypted target first, a copy given a password refuses (it would be a plain replica)
expect_exit 12 "$ARBOR" -r "$V1" copy --all --to "$MIGRATED"
expect_stderr "arbor init"
[[ ! -e "$MIGRATED" ]] || fail "the refused copy made its target"
arbor_init -r "$MIGRATED" -q >/dev/null
"$ARBOR" -r "$V1" copy --all --to "$MIGRATED" >/dev/null
snapshot_facts() {  # time, host, paths and tags of every snapshot, oldest first
  "$ARBOR" -r "$1" snapshots --json | python3 -c "import json,sys; [print(s['time'], s['hostname'], s['paths'], s['tags']) for s in json.load(sys.stdin)]"
}
[[ $(snapshot_facts "$MIGRATED") == "$(env -u ARBOR_PASSWORD "$ARBOR" -r "$V1" snapshots --json | python3 -c "import json,sys; [print(s['time'], s['hostname'], s['paths'], s['tags']) for s in json.load(sys.stdin)]")" ]] \
  || fail "the migrated snapshots differ in time, host, paths or tags"
[[ $(snapshot_facts "$MIGRATED" | wc -l) == 2 ]] || fail "expected two migrated snapshots"
"$ARBOR" -r "$MIGRATED" verify --read-data >/dev/null
for tag in first second; do
  id_v1=$(env -u ARBOR_PASSWORD "$ARBOR" -r "$V1" snapshots --json | python3 -c "import json,sys; print([s['id'] for s in json.load(sys.stdin) if '$tag' in s['tags']][0])")
  id_new=$("$ARBOR" -r "$MIGRATED" snapshots --json | python3 -c "import json,sys; print([s['id'] for s in json.load(sys.stdin) if '$tag' in s['tags']][0])")
  env -u ARBOR_PASSWORD "$ARBOR" -r "$V1" restore "$id_v1" --target "$WORK/from-v1-$tag" -q >/dev/null
  "$ARBOR" -r "$MIGRATED" restore "$id_new" --target "$WORK/from-migrated-$tag" -q >/dev/null
  same_tree "$WORK/from-v1-$tag" "$WORK/from-migrated-$tag"
done
cmp "$SMALL" "$WORK/from-migrated-second$SMALL" || fail "the second snapshot's changed file"
[[ -z $(plaintext_hits "$MIGRATED") ]] || fail "the migrated repository holds plaintext"
# run again: nothing left to migrate
out=$("$ARBOR" -r "$V1" --json copy --all --to "$MIGRATED" | tail -1)
[[ $(json_field "$out" snapshots_copied) == 0 && $(json_field "$out" snapshots_present) == 2 ]] \
  || fail "a second migration copied again: $out"
echo "PASS"
