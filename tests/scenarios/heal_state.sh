#!/usr/bin/env bash
# Damaged local state. The node index is derived data: every command that opens it (du,
# find, changes, dupes, backup) rebuilds it from the snapshots after a garbage file, a
# 0-byte file, a truncated file or a record that fails its checksum, says so in one
# warning line (never SQL), exits 0 and answers exactly as before the damage.
# The catalog is not derived data: a garbage or 0-byte catalog is an error naming the
# file and what to do, exit 1, and the file is left byte for byte as it was.
source "$(dirname "$0")/lib.sh"
IDX="$WORK/node-index.sqlite"
export ARBOR_INDEX="$IDX"
S="$WORK/src"
for d in $(seq 1 30); do
  mkdir -p "$S/dir$d/sub"
  for f in $(seq 1 40); do printf 'file %d of dir %d\n' "$f" "$d" >"$S/dir$d/f$f.txt"; done
  printf 'deep %d\n' "$d" >"$S/dir$d/sub/deep.dat"
done
cp "$S/dir1/f1.txt" "$S/dir2/copy-of-f1.txt"
arbor_init >/dev/null
"$ARBOR" backup "$S" -q >/dev/null
FIRST=$("$ARBOR" snapshots --json | python3 -c "import json,sys; print(json.load(sys.stdin)[-1]['id'])")
mv "$S/dir3" "$S/dir3-renamed"
echo "new" >"$S/dir4/new.txt"
"$ARBOR" backup "$S" -q >/dev/null

# The commands under test, each printing what the user would compare.
run_du() { "$ARBOR" du "$S" --depth 2; }
run_find() { "$ARBOR" find 'f1*.txt' --snapshot "$FIRST"; }
run_changes() { "$ARBOR" changes "$FIRST" latest; }
# Groups of equal size come in no set order, nor do the paths in a group: sort both.
run_dupes() {
  "$ARBOR" dupes | python3 -c '
import sys
groups, cur = [], None
for line in sys.stdin:
    if line.startswith("  "):
        cur.append(line)
    else:
        cur = [line]
        groups.append(cur)
print("".join(sorted(g[0] + "".join(sorted(g[1:])) for g in groups)), end="")'
}
# A backup of the unchanged tree: nothing to read (the parent's trees stand in for the
# index), and the index it leaves answers du as before.
run_backup() {
  "$ARBOR" backup "$S" >"$WORK/backup.out"  # the summary (-q would print nothing)
  grep -q "^Files: 1232 (0 read, 1232 unchanged)" "$WORK/backup.out" || { cat "$WORK/backup.out"; fail "backup read files"; }
  "$ARBOR" du "$S" --depth 2
}
COMMANDS="du find changes dupes backup"

step "answers with a sound index"
for c in $COMMANDS; do
  "run_$c" >"$WORK/want.$c" 2>"$WORK/err" || { cat "$WORK/err"; fail "$c on a sound index"; }
  [[ ! -s "$WORK/err" ]] || { cat "$WORK/err"; fail "$c warned on a sound index"; }
  [[ -s "$WORK/want.$c" ]] || fail "$c printed nothing"
done
[[ ! -e "$IDX-wal" ]] || fail "the index should be checkpointed when arbor exits"
cp "$IDX" "$WORK/sound.sqlite"
[[ $(stat -c %s "$IDX") -gt 16384 ]] || fail "the index is too small to truncate meaningfully"

damage() {  # damage KIND: turns the sound index into a damaged one
  cp "$WORK/sound.sqlite" "$IDX"
  rm -f "$IDX.damaged" "$IDX.damaged-wal" "$IDX.damaged-shm"
  case $1 in
    garbage) python3 -c "open('$IDX','wb').write(b'this is no database\n' * 2000)" ;;
    empty) : >"$IDX" ;;
    truncated) truncate -s $(($(stat -c %s "$IDX") / 2)) "$IDX" ;;
    record) python3 - "$IDX" <<'PY' ;;
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
# The newest row: a directory record of the latest version, its bytes zeroed.
n = db.execute("UPDATE node_dirs SET record = zeroblob(length(record))"
               " WHERE rowid = (SELECT max(rowid) FROM node_dirs)").rowcount
assert n == 1, n
db.commit()
db.close()
PY
  esac
}

# The one warning each kind of damage gives.
declare -A WARNING=(
  [garbage]="^warning: node index $IDX was damaged (sqlite open: file is not a database); moved it to $IDX.damaged, rebuilding it from the snapshots\$"
  [empty]="^warning: node index $IDX was empty (0 bytes); rebuilding it from the snapshots\$"
  [truncated]="^warning: node index $IDX was damaged (sqlite [a-z]*: database disk image is malformed); moved it to $IDX.damaged, rebuilding it from the snapshots\$"
  [record]="^warning: node index $IDX: 1 damaged record of this share (directory [0-9]*: directory record: [a-z ]*); dropped the share's records, rebuilding them from the snapshots\$"
)

for kind in garbage empty truncated record; do
  for c in $COMMANDS; do
    step "$kind index, arbor $c"
    damage "$kind"
    expect_exit 0 "run_$c"
    [[ $(wc -l <"$WORK/last.err") == 1 ]] || { cat "$WORK/last.err"; fail "$kind/$c: expected one warning line"; }
    grep -q -- "${WARNING[$kind]}" "$WORK/last.err" || { cat "$WORK/last.err"; fail "$kind/$c: warning text"; }
    ! grep -qiE 'select|insert|update|pragma|create table' "$WORK/last.err" || fail "$kind/$c: SQL shown"
    diff "$WORK/want.$c" "$WORK/last.out" >&2 || fail "$kind/$c: answers differ from the sound index's"
    case $kind in
      garbage) cmp -s "$IDX.damaged" <(python3 -c "import sys; sys.stdout.buffer.write(b'this is no database\n' * 2000)") ||
        fail "$kind/$c: the damaged file was not kept aside as it was" ;;
      record) [[ ! -e "$IDX.damaged" ]] || fail "$kind/$c: a sound file was moved aside" ;;
    esac
    expect_exit 0 "run_$c"
    [[ ! -s "$WORK/last.err" ]] || { cat "$WORK/last.err"; fail "$kind/$c: the rebuilt index still warns"; }
    diff "$WORK/want.$c" "$WORK/last.out" >&2 || fail "$kind/$c: answers of the rebuilt index differ"
  done
done

step "catalog: a missing file is created"
"$ARBOR" --catalog "$WORK/new-catalog.db" tenant add acme >/dev/null
"$ARBOR" --catalog "$WORK/new-catalog.db" tenant list | grep -q acme || fail "new catalog"

for kind in garbage empty; do
  for where in flag default; do
    step "catalog: $kind file ($where location) is an error, left untouched"
    if [[ $where == flag ]]; then
      CAT="$WORK/catalog-$kind.db"
      args=(--catalog "$CAT")
    else
      # The default catalog lives in the state folder (ARBOR_STATE_DIR, as the node index).
      export ARBOR_STATE_DIR="$WORK/state-$kind"
      CAT="$ARBOR_STATE_DIR/catalog.db"
      mkdir -p "$ARBOR_STATE_DIR"
      args=()
    fi
    if [[ $kind == garbage ]]; then printf 'tenants: acme, globex (not SQLite)\n' >"$CAT"; else : >"$CAT"; fi
    cp "$CAT" "$WORK/catalog.before"
    for cmd in "tenant list" "tenant add evil" "share list" "job list" "token create --tenant acme"; do
      # shellcheck disable=SC2086
      expect_exit 1 "$ARBOR" "${args[@]}" $cmd
      expect_stderr "opening catalog $CAT: "
      expect_stderr "left untouched: restore it from a backup, or move it away to start a new, empty catalog"
      if [[ $kind == garbage ]]; then expect_stderr "not an SQLite database"; else expect_stderr "empty (0 bytes)"; fi
      ! grep -qiE 'select|insert|pragma|create table' "$WORK/last.err" || fail "catalog $kind: SQL shown"
      cmp "$CAT" "$WORK/catalog.before" || fail "catalog $kind: file changed by '$cmd'"
      [[ ! -e "$CAT-wal" ]] || fail "catalog $kind: a WAL file was started beside it"
    done
    export ARBOR_STATE_DIR="$WORK/state"  # back to the scenario's own
  done
done
echo "PASS"
