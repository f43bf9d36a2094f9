#!/usr/bin/env bash
# redis-benchmark (Debian redis-tools) against `arbor serve --resp` and against Debian's
# redis-server on this machine: PING, SET, GET, HSET, LPUSH, SADD with 50 clients, without
# and with -P 16 pipelining. redis-server runs twice: as shipped (no fsync) and with
# appendfsync always (every write durable before its reply, as arbor's are). Prints
# requests/s per command and arbor's ratio to each; then arbor's blob commands: BEXISTS
# of --hashes hashes in batches of 1,000 (hashes/s), BPUT of distinct 64 KiB blobs and
# BGET (MB/s over loopback). For arbor, each command also reports the server's CPU (user +
# system, ms per 100,000 requests: the machine is shared, so requests/s alone says little)
# and its group commits (redo log syncs) and checkpoints (LMDB commits) per 100,000.
# docs/resp.md records a run. --blobs-only: the blob part alone.
#
#   ARBOR=build/src/cli/arbor bench/resp/run.sh [--requests 100000] [--clients 50] [--hashes 1000000]
set -euo pipefail
ARBOR="${ARBOR:-$(dirname "$0")/../../build/src/cli/arbor}"
requests=100000 clients=50 hashes=1000000 blobs_only=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --requests) requests=$2; shift 2 ;;
    --clients) clients=$2; shift 2 ;;
    --hashes) hashes=$2; shift 2 ;;
    --blobs-only) blobs_only=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
for tool in redis-benchmark redis-server; do
  command -v "$tool" >/dev/null || { echo "$tool is needed: ARBOR_BENCH_DEPS=1 scripts/install-deps.sh" >&2; exit 1; }
done
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_ping() { for _ in $(seq 100); do redis-cli -p "$1" PING 2>/dev/null | grep -q PONG && return 0; sleep 0.1; done; return 1; }

export ARBOR_PASSWORD=bench ARBOR_CATALOG="$work/catalog.db" ARBOR_STATE_DIR="$work/state"
"$ARBOR" init -q -r "$work/repo" --kdf-memory 1 --kdf-iterations 1
arbor_port=$(free_port)
"$ARBOR" serve --resp "127.0.0.1:$arbor_port" --resp-data "$work/resp" -r "$work/repo" 2>"$work/arbor.log" &
pids+=($!)
arbor_pid=$!
redis_port=$(free_port)
redis-server --port "$redis_port" --save "" --appendonly no --dir "$work" --daemonize no >/dev/null &
pids+=($!)
fsync_port=$(free_port)
mkdir -p "$work/aof"
redis-server --port "$fsync_port" --save "" --appendonly yes --appendfsync always --dir "$work/aof" \
  --daemonize no >/dev/null &
pids+=($!)
wait_ping "$arbor_port" && wait_ping "$redis_port" && wait_ping "$fsync_port"

tests=ping_mbulk,set,get,hset,lpush,sadd
bench() {  # bench PORT PIPELINE: "test,rps" lines
  redis-benchmark -p "$1" -c "$clients" -n "$requests" -P "$2" -t "$tests" --csv 2>/dev/null |
    python3 -c '
import csv, sys
for row in csv.reader(sys.stdin):
    if row and row[0] != "test":
        print(row[0].split()[0] + "," + row[1])'
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$arbor_pid/stat"; }
info_field() { redis-cli -p "$arbor_port" INFO | tr -d '\r' | awk -F: -v k="$1" '$1 == k {print $2}'; }
bench_arbor() {  # bench_arbor PIPELINE: "test,rps,cpu ticks,commits,checkpoints" lines, one command at a time
  local t c0 m0 k0 line
  for t in ${tests//,/ }; do
    c0=$(cpu_ticks) m0=$(info_field arbor_commits) k0=$(info_field arbor_checkpoints)
    line=$(tests=$t bench "$arbor_port" "$1")
    echo "$line,$(($(cpu_ticks) - c0)),$(($(info_field arbor_commits) - m0)),$(($(info_field arbor_checkpoints) - k0))"
  done
}
pipelines="1 16"
((blobs_only)) && pipelines=""
for pipeline in $pipelines; do
  echo "== $clients clients, -P $pipeline, $requests requests per command"
  bench_arbor "$pipeline" >"$work/arbor.csv"
  bench "$redis_port" "$pipeline" >"$work/redis.csv"
  bench "$fsync_port" "$pipeline" >"$work/fsync.csv"
  python3 - "$work/arbor.csv" "$work/redis.csv" "$work/fsync.csv" "$requests" "$(getconf CLK_TCK)" <<'PY'
import sys
rows = lambda p: {l.split(",")[0]: l.strip().split(",")[1:] for l in open(p) if l.strip()}
a, r, f = (rows(p) for p in sys.argv[1:4])
per = 100000 / float(sys.argv[4])
tick_ms = 1000 / float(sys.argv[5])
print("%-12s %10s %10s %12s %9s %9s %14s %13s %13s" % ("command", "arbor rps", "redis rps", "redis fsync",
      "vs redis", "vs fsync", "CPU ms/100k", "commits/100k", "ckpts/100k"))
for k in a:
    ar, rr, fr = float(a[k][0]), float(r.get(k, ["nan"])[0]), float(f.get(k, ["nan"])[0])
    ticks, commits, ckpts = (float(x) for x in a[k][1:4])
    print("%-12s %10.0f %10.0f %12.0f %8.2fx %8.2fx %14.0f %13.0f %13.0f" % (k, ar, rr, fr, ar / rr, ar / fr,
          ticks * tick_ms * per, commits * per, ckpts * per))
PY
done

rps() {  # rps redis-benchmark-args...: requests/s of a custom command
  redis-benchmark -p "$arbor_port" --csv "$@" 2>/dev/null | python3 -c '
import csv, sys
rows = [r for r in csv.reader(sys.stdin) if r and r[0] != "test"]
print(rows[-1][1])'
}
echo "== arbor blob commands"
# The batch's 1,000 hashes are stored first, so every lookup finds its blob (answers 1).
# shellcheck disable=SC2016
python3 -c '
import sys
for i in range(1000):
    v = b"%d" % i
    sys.stdout.buffer.write(b"*2\r\n$4\r\nBPUT\r\n$%d\r\n%s\r\n" % (len(v), v))' |
  redis-cli -p "$arbor_port" --pipe >/dev/null
batch=$(python3 -c 'import hashlib; print(" ".join(hashlib.sha256(b"%d" % i).hexdigest() for i in range(1000)))')
# shellcheck disable=SC2086
found=$(redis-cli -p "$arbor_port" BEXISTS $batch | grep -c '^1$')
[[ "$found" == 1000 ]] || { echo "BEXISTS found $found of the 1000 stored hashes" >&2; exit 1; }
# shellcheck disable=SC2086
r=$(rps -c 8 -n $((hashes / 1000)) BEXISTS $batch)
python3 -c "print('BEXISTS of $hashes stored hashes, batches of 1000: %.0f hashes/s' % ($r * 1000))"
blob=$(python3 -c 'print("__rand_int__" + "x" * (65536 - 12))')
r=$(rps -c 8 -n 2000 -r 100000000 BPUT "$blob")
python3 -c "print('BPUT 64 KiB distinct blobs: %.0f/s, %.1f MB/s' % ($r, $r * 65536 / 1e6))"
h=$(redis-cli -p "$arbor_port" BPUT "$blob")
r=$(rps -c 8 -n 5000 BGET "$h")
python3 -c "print('BGET 64 KiB: %.0f/s, %.1f MB/s' % ($r, $r * 65536 / 1e6))"
