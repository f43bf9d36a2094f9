#!/usr/bin/env bash
# A BPUT-heavy remote backup (`arbor backup --remote resp://`) into a fresh encrypted
# repository served by `arbor serve --resp`: wall time, the server's CPU (user + system
# from /proc), the index segments left in the store and read at the next open (`arbor
# stats`), the packs, and a second open's time. It is what issue 15's index folding
# changed (docs/resp.md, "Index segments of a RESP database"); run it with the binary
# before and after to compare, alternating them, with `uptime` beside the figures.
#
#   ARBOR=build/src/cli/arbor bench/resp/index_fold.sh [--work DIR] SOURCE...
set -euo pipefail
ARBOR="${ARBOR:-$(dirname "$0")/../../build/src/cli/arbor}"
work=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --work) work=$2; shift 2 ;;
    *) break ;;
  esac
done
[[ $# -gt 0 ]] || { echo "usage: $0 [--work DIR] SOURCE..." >&2; exit 2; }
[[ -n $work ]] || work=$(mktemp -d)
rm -rf "$work" && mkdir -p "$work"
pid=""
trap '[[ -n $pid ]] && kill "$pid" 2>/dev/null; true' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{ print int(($14 + $15) * 1000 / hz) }' "/proc/$1/stat"; }

export ARBOR_PASSWORD=bench ARBOR_CATALOG="$work/catalog.db" ARBOR_STATE_DIR="$work/state"
"$ARBOR" init -q -r "$work/repo" --kdf-memory 1 --kdf-iterations 1
port=$(free_port)
"$ARBOR" serve --resp "127.0.0.1:$port" --resp-data "$work/resp" -r "$work/repo" 2>"$work/server.log" &
pid=$!
for _ in $(seq 100); do redis-cli -p "$port" PING 2>/dev/null | grep -q PONG && break; sleep 0.1; done
echo "uptime before: $(uptime)"
start=$(date +%s.%N)
"$ARBOR" -q backup --remote "resp://127.0.0.1:$port/default" "$@"
end=$(date +%s.%N)
server_ms=$(cpu_ms "$pid")
# Lookups' probes (after folding existed: INFO # Index; empty before).
info=$(redis-cli -p "$port" INFO | tr -d '\r')
probes=$(sed -n 's/^arbor_index_segment_probes://p' <<<"$info")
folds=$(sed -n 's/^arbor_index_folds://p' <<<"$info")
puts=$(sed -n 's/^arbor_blob_puts://p' <<<"$info")
kill "$pid" && wait "$pid" 2>/dev/null || true
pid=""
echo "uptime after:  $(uptime)"
files=$(find "$@" -type f | wc -l)
stored=$(find "$work/repo" -path '*/index/*' -type f | wc -l)
packs=$(find "$work/repo" -path '*/packs/*' -type f | wc -l)
open_start=$(date +%s.%N)
live=$("$ARBOR" -r "$work/repo" --json stats | python3 -c 'import json,sys; print(json.load(sys.stdin)["index_segments"])')
open_end=$(date +%s.%N)
printf 'files %s  wall %.1f s  server cpu %.1f s  index objects %s  segments read at open %s  packs %s  stats (an open) %.2f s\n' \
  "$files" "$(echo "$end - $start" | bc)" "$(echo "$server_ms / 1000" | bc -l)" "$stored" "$live" "$packs" \
  "$(echo "$open_end - $open_start" | bc)"
echo "server: BPUTs ${puts:-?}  folds ${folds:-n/a}  segment probes ${probes:-n/a} (lookups: the BPUTs plus the hashes BEXISTS asked)"
