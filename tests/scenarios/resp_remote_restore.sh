#!/usr/bin/env bash
# `arbor ls --remote` and `arbor restore --remote` (docs/resp.md, "Remote restore"): what
# `backup --remote` wrote is read back through the RESP server alone (SNAP.LIST, TREE.GET,
# BGET), without opening the repository. The restore is identical to the folder (content,
# modes, mtimes, symlinks, empty files and directories, a multi-chunk file, 400 small
# files restored with their BGETs pipelined across files); ls lists
# exactly what the local `arbor ls` lists; a wrong snapshot or path is the local commands'
# error and exit code; a tenant cannot read another tenant's tree; a part that does not
# match its hash (from a server that lies: the real one cannot be made to) is refused.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/resp_lib.sh"
arbor_init -q

SRC="$WORK/src"
mkdir -p "$SRC/a/b/c" "$SRC/empty-dir" "$SRC/private"
random_file "$SRC/big.bin" 5000000 3  # several chunks (FastCDC: 256 KiB to 4 MiB)
random_file "$SRC/a/b/c/deep.bin" 70000 4
echo "small" >"$SRC/a/b/small.txt"
: >"$SRC/a/empty.txt"
: >"$SRC/a/b/c/also-empty"
ln -s ../big.bin "$SRC/a/link"
ln -s /nowhere/at/all "$SRC/dangling"
chmod 600 "$SRC/a/b/small.txt"
chmod 750 "$SRC/a/b/c/deep.bin"
chmod 700 "$SRC/private"
touch -h -d '2001-02-03 04:05:06.123456789' "$SRC/a/link"
touch -d '2010-01-01 00:00:00.5' "$SRC/a/b/c"
touch -d '1999-12-31 23:59:59.999999999' "$SRC/a/empty.txt"

resp_start
URL="resp://127.0.0.1:$RESP_PORT/default"
OUT=$("$ARBOR" --json backup --remote "$URL" "$SRC" | tail -n 1)
S1=$(json_field "$OUT" snapshot_id)
(($(json_field "$OUT" chunks) > 4)) || fail "big.bin did not make several chunks: $OUT"

step "restore --remote is identical: content, modes, mtimes, symlinks, empty files and directories"
"$ARBOR" restore --remote "$URL" "$S1" --target "$WORK/out" >"$WORK/restore.out"
grep -q "from snapshot ${S1:0:8} through 127.0.0.1:$RESP_PORT" "$WORK/restore.out" ||
  fail "no summary: $(cat "$WORK/restore.out")"
same_tree "$SRC" "$WORK/out"

step "by prefix and by 'latest', the same snapshot"
"$ARBOR" restore --remote "$URL" "${S1:0:10}" --target "$WORK/out-prefix" >/dev/null
same_tree "$SRC" "$WORK/out-prefix"
"$ARBOR" restore --remote "$URL" latest --target "$WORK/out-latest" >/dev/null
same_tree "$SRC" "$WORK/out-latest"

step "many small files and one large one: identical, with BGETs of several files in flight at once"
MANY="$WORK/many"
mkdir -p "$MANY/d1" "$MANY/d2/e"
python3 - "$MANY" <<'PY'
import sys
for i in range(400):
    d = ("d1", "d2", "d2/e")[i % 3]
    with open("%s/%s/f%03d" % (sys.argv[1], d, i), "w") as f:
        f.write("small file %d\n" % i * (1 + i % 9))
PY
random_file "$MANY/d2/large.bin" 12000000 5
OUT=$("$ARBOR" --json backup --remote "$URL" "$MANY" | tail -n 1)
SM=$(json_field "$OUT" snapshot_id)
OUT=$("$ARBOR" --json restore --remote "$URL" "$SM" --target "$WORK/out-many" | tail -n 1)
same_tree "$MANY" "$WORK/out-many"
[[ $(json_field "$OUT" files_restored) == 401 ]] || fail "restored: $OUT"
# One file at a time had at most 8 BGETs in flight (one for a small file); across files,
# the one-part files' requests go out together, up to the window (1,000 requests, 8 MiB
# by the files' average part size: large.bin's parts take most of it while they are out).
(($(json_field "$OUT" requests_in_flight_max) >= 100)) || fail "BGETs were not pipelined across files: $OUT"

step "--include restores one folder only"
"$ARBOR" restore --remote "$URL" "$S1" --target "$WORK/part" --include /a/b >/dev/null
[[ $(cd "$WORK/part" && find . | sort | tr '\n' ' ') == ". ./a ./a/b ./a/b/c ./a/b/c/also-empty ./a/b/c/deep.bin ./a/b/small.txt " ]] ||
  fail "--include /a/b restored: $(cd "$WORK/part" && find . | sort | tr '\n' ' ')"
same_tree "$SRC/a/b" "$WORK/part/a/b"

step "ls --remote lists what the local ls lists (plain, long, JSON, below a path)"
for opts in "ls" "ls -l" "--json ls"; do
  # shellcheck disable=SC2086
  "$ARBOR" $opts "$S1" >"$WORK/ls.local"
  # shellcheck disable=SC2086
  "$ARBOR" $opts --remote "$URL" "$S1" >"$WORK/ls.remote"
  diff "$WORK/ls.local" "$WORK/ls.remote" >&2 || fail "ls $opts differs between local and --remote"
  [[ $(wc -l <"$WORK/ls.remote") -eq 12 ]] || fail "ls $opts --remote listed $(wc -l <"$WORK/ls.remote") entries, not 12"
done
"$ARBOR" ls "$S1" /a/b >"$WORK/ls.local"
"$ARBOR" ls --remote "$URL" "$S1" /a/b >"$WORK/ls.remote"
diff "$WORK/ls.local" "$WORK/ls.remote" >&2 || fail "ls of /a/b differs"
[[ $(head -n 1 "$WORK/ls.remote") == "/a/b/c" ]] || fail "ls /a/b starts with $(head -n 1 "$WORK/ls.remote")"
[[ $("$ARBOR" ls --remote "$URL" "$S1" /a/b/small.txt) == "/a/b/small.txt" ]] || fail "ls of one file"

step "a wrong snapshot or path: the local commands' errors and exit codes, nothing restored"
for cmd in "ls" "restore --target $WORK/none"; do
  # shellcheck disable=SC2086
  expect_exit 1 "$ARBOR" $cmd deadbeef
  local_err=$(cat "$WORK/last.err")
  # shellcheck disable=SC2086
  expect_exit 1 "$ARBOR" $cmd --remote "$URL" deadbeef
  expect_stderr "no snapshot matches 'deadbeef'"
  [[ "$(cat "$WORK/last.err")" == "$local_err" ]] || fail "$cmd: [$(cat "$WORK/last.err")] vs local [$local_err]"
done
expect_exit 1 "$ARBOR" ls "$S1" /a/nope
local_err=$(cat "$WORK/last.err")
expect_exit 1 "$ARBOR" ls --remote "$URL" "$S1" /a/nope
[[ "$(cat "$WORK/last.err")" == "$local_err" ]] || fail "ls path: [$(cat "$WORK/last.err")] vs [$local_err]"
expect_exit 1 "$ARBOR" restore --remote "$URL" "$S1" --target "$WORK/none" --include /a/nope
expect_stderr "--include /a/nope: not in snapshot ${S1:0:8}"
expect_stderr "nothing was restored"
[[ ! -e "$WORK/none" ]] || fail "a refused restore created its target"
expect_exit 1 "$ARBOR" restore --remote "$URL" "$S1" --target "$WORK/none" --host h
expect_stderr "restore --remote restores into a directory with --include, --overwrite, --verify and --delete only"
expect_exit 1 "$ARBOR" ls --remote "resp://127.0.0.1:$RESP_PORT/nodb" "$S1"
expect_stderr "no such database 'nodb'"
expect_exit 1 "$ARBOR" ls --remote "resp://127.0.0.1:1/default" "$S1"
expect_stderr "cannot connect to the RESP server at 127.0.0.1:1"

step "tenants: B cannot list, restore or TREE.GET tenant A's backup"
"$ARBOR" tenant add acme >/dev/null
"$ARBOR" tenant add globex >/dev/null
TA=$("$ARBOR" token create --tenant acme)
TB=$("$ARBOR" token create --tenant globex)
OUT=$("$ARBOR" --json backup --remote "resp://$TA@127.0.0.1:$RESP_PORT/default" "$SRC/a" | tail -n 1)
SA=$(json_field "$OUT" snapshot_id)
"$ARBOR" restore --remote "resp://$TA@127.0.0.1:$RESP_PORT/default" "$SA" --target "$WORK/out-a" >/dev/null
same_tree "$SRC/a" "$WORK/out-a"
expect_exit 1 "$ARBOR" ls --remote "resp://$TB@127.0.0.1:$RESP_PORT/default" "$SA"
expect_stderr "no snapshot matches"
expect_exit 1 "$ARBOR" restore --remote "resp://$TB@127.0.0.1:$RESP_PORT/default" latest --target "$WORK/out-b"
expect_stderr "the database has no snapshots yet"
ROOT_A=$(rcli -a "$TA" SNAP.LIST | sed -n 4p)
[[ ${#ROOT_A} == 64 ]] || fail "no root tree id from tenant A's SNAP.LIST: [$ROOT_A]"
[[ $(rcli -a "$TA" TREE.GET "$ROOT_A" | head -n 1) == "b" ]] || fail "A cannot read its own tree"
got=$(rcli -a "$TB" TREE.GET "$ROOT_A" 2>&1)
[[ "$got" == "ERR tree $ROOT_A is not a tree of this database (TREE.PUT it first)" ]] ||
  fail "tenant B's TREE.GET of A's tree answered [$got]"
resp_stop

step "a server that sends a part other than the one its tree names: refused, the file not written"
# The real server cannot be made to send wrong data (the repository checks it), so this
# one lies: its tree names the SHA-256 of "good data" and BGET answers "evil data".
cat >"$WORK/liar.py" <<'PY'
import hashlib, socket, sys
def bulk(b): return b"$%d\r\n%s\r\n" % (len(b), b)
def arr(items): return b"*%d\r\n" % len(items) + b"".join(items)
good = hashlib.sha256(b"good data").hexdigest().encode()
tree, snap = b"ab" * 32, b"cd" * 32
replies = {
    b"SELECT": b"+OK\r\n",
    b"SNAP.LIST": arr([arr([bulk(snap), bulk(b"/src"), b":1\r\n", bulk(tree)])]),
    b"TREE.GET": arr([arr([bulk(x) for x in (b"f", b"file", b"644", b"0", b"9", good)])]),
    b"BGET": bulk(b"evil data"),
}
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(1)
print(srv.getsockname()[1], flush=True)
conn, _ = srv.accept()
f = conn.makefile("rb")
while True:
    line = f.readline()
    if not line:
        break
    words = []
    for _ in range(int(line[1:])):
        n = int(f.readline()[1:])
        words.append(f.read(n + 2)[:-2])
    conn.sendall(replies.get(words[0].upper(), b"-ERR unknown\r\n"))
PY
python3 "$WORK/liar.py" >"$WORK/liar.port" &
LIAR=$!
for _ in $(seq 50); do [[ -s "$WORK/liar.port" ]] && break; sleep 0.1; done
expect_exit 1 "$ARBOR" restore --remote "resp://127.0.0.1:$(cat "$WORK/liar.port")/default" latest --target "$WORK/lied"
expect_stderr "/f: part 0 from the server does not match its SHA-256 $(printf 'good data' | sha256sum | cut -c1-64)"
[[ -z $(ls -A "$WORK/lied") ]] || fail "the refused file was left in the target: $(ls -A "$WORK/lied")"
kill "$LIAR" 2>/dev/null || true
