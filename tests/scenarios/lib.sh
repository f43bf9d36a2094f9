# Shared helpers for arbor's scenario tests: each test is a readable CLI transcript
# that fails loudly (set -e plus explicit checks) with the command that went wrong.
set -euo pipefail

ARBOR="${ARBOR:?set ARBOR to the arbor binary}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/arbor-scenario-XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
export ARBOR_REPO="$WORK/repo"
export ARBOR_STATE_DIR="$WORK/state"  # the node index, kept out of $HOME
# Every scenario runs encrypted, as users' repositories are. The password never reaches a
# child's argv: it travels in the environment, as restic's RESTIC_PASSWORD does.
export ARBOR_PASSWORD="scenario password"
unset ARBOR_PASSWORD_FILE ARBOR_PASSWORD_COMMAND

# Cheap Argon2id for the keys scenarios make (1 MiB, one pass): every arbor command that
# opens the repository runs the KDF once, and the suite runs hundreds of them.
CHEAP_KDF=(--kdf-memory 1 --kdf-iterations 1)

# arbor init with the cheap KDF; further options (-r, -q, --pack-size, ...) as given.
arbor_init() { "$ARBOR" init "${CHEAP_KDF[@]}" "$@"; }

fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "--- [$(date +%T.%N | cut -c1-12)] $*"; }

# arbor with --json; prints stdout. Usage: out=$(arbor_json backup SRC)
arbor_json() { "$ARBOR" --json -q "$@"; }

# Field of the last JSON object printed by a command: json_field '<json lines>' key
json_field() { printf '%s\n' "$1" | tail -n 1 | python3 -c "import json,sys; print(json.load(sys.stdin)['$2'])"; }

expect_exit() {  # expect_exit CODE cmd...
  local want=$1; shift
  set +e; "$@" >"$WORK/last.out" 2>"$WORK/last.err"; local got=$?; set -e
  [[ $got == "$want" ]] || { cat "$WORK/last.out" "$WORK/last.err" >&2; fail "expected exit $want, got $got: $*"; }
}

expect_stderr() {  # expect_stderr TEXT: the last expect_exit's stderr mentions TEXT
  grep -q -- "$1" "$WORK/last.err" || { cat "$WORK/last.err" >&2; fail "stderr lacks '$1'"; }
}

# Compares two trees: content and types (diff), then per-entry metadata.
same_tree() {
  local a=$1 b=$2 d
  # diff reports FIFOs and devices it cannot compare; their type is checked below.
  d=$(diff -r --no-dereference "$a" "$b" 2>&1 | grep -v -E 'is a (fifo|character special file|block special file|socket) while file .* is a' || true)
  [[ -z "$d" ]] || { echo "$d" | head -20 >&2; fail "content differs: $a vs $b"; }
  # A directory's size is the file system's bookkeeping (it does not shrink when
  # entries go), not something a restore carries over: it is left out.
  local ma mb dir_size='s/^(.* directory [0-7]+ [0-9]+ [0-9]+) [0-9]+ /\1 - /'
  ma=$(cd "$a" && find . -mindepth 1 -print0 | sort -z | xargs -0 stat -c '%n %F %a %u %g %s %Y.%y %h' | sed 's/ [0-9-]* [0-9:.]* +0000//' | sed -E "$dir_size")
  mb=$(cd "$b" && find . -mindepth 1 -print0 | sort -z | xargs -0 stat -c '%n %F %a %u %g %s %Y.%y %h' | sed 's/ [0-9-]* [0-9:.]* +0000//' | sed -E "$dir_size")
  [[ "$ma" == "$mb" ]] || { diff <(echo "$ma") <(echo "$mb") | head -20 >&2; fail "metadata differs: $a vs $b"; }
  local mtime_a mtime_b
  mtime_a=$(cd "$a" && find . -mindepth 1 ! -type l -print0 | sort -z | xargs -0 stat -c '%n %y')
  mtime_b=$(cd "$b" && find . -mindepth 1 ! -type l -print0 | sort -z | xargs -0 stat -c '%n %y')
  [[ "$mtime_a" == "$mtime_b" ]] || { diff <(echo "$mtime_a") <(echo "$mtime_b") | head >&2; fail "mtimes differ"; }
}

# Writes N bytes of reproducible pseudo-random data (seeded) to a file.
random_file() {  # random_file PATH BYTES SEED
  python3 - "$1" "$2" "$3" <<'PY'
import random, sys
path, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
r = random.Random(seed)
with open(path, "wb") as f:
    left = n
    while left > 0:
        k = min(left, 1 << 20)
        f.write(r.randbytes(k))
        left -= k
PY
}

# The entries every round-trip check covers, under DIR: a file (mode 4755, an xattr) and its
# hard link, an empty file with a nanosecond mtime, a symlink owned by another user, a
# dangling symlink, a FIFO, a device node, an empty folder. Callers add what they test more.
make_every_kind() {  # make_every_kind DIR
  local d=$1
  mkdir -p "$d/dir/nested" "$d/empty-dir"
  echo "hello" > "$d/a.txt"
  : > "$d/empty"
  ln -s a.txt "$d/link"
  ln -s /nonexistent/target "$d/dangling"
  ln "$d/a.txt" "$d/dir/hardlink"
  mkfifo "$d/fifo"
  mknod "$d/null-device" c 1 3
  chmod 4755 "$d/a.txt"
  chown -h 4321:8765 "$d/link"
  touch -d '2001-02-03 04:05:06.123456789' "$d/empty"
  setfattr -n user.color -v blue "$d/a.txt"
}

# Waits until MNT is a mount point (up to 10 s) while the `arbor mount` process PID lives;
# fails with its log otherwise.
wait_for_mount() {  # wait_for_mount MNT PID LOG
  for _ in $(seq 100); do
    mountpoint -q "$1" && return 0
    kill -0 "$2" 2>/dev/null || { cat "$3" >&2; fail "arbor mount $1 exited"; }
    sleep 0.1
  done
  fail "arbor mount $1 did not appear in 10 s"
}

# For scenarios that mount: the mount points and `arbor mount` processes to undo on exit.
# cleanup_mounts (the EXIT trap's) unmounts each, a stale one (kill -9) too, and stops
# the processes.
MOUNTS=()
PIDS=()
cleanup_mounts() {
  local m p
  for m in "${MOUNTS[@]}"; do
    mountpoint -q "$m" 2>/dev/null && { fusermount3 -u "$m" 2>/dev/null || fusermount3 -u -z "$m" 2>/dev/null || true; }
    [[ -e "$m" ]] || fusermount3 -u -z "$m" 2>/dev/null || true  # stale (ENOTCONN)
  done
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
