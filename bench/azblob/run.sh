#!/usr/bin/env bash
# First measurement of an Azure Blob repository against Azurite on loopback: a backup of
# FILES small files (1-4 KiB) and one BIG_MB file, then a restore; prints wall times and
# the requests by kind (ARBOR_STORE_STATS=1).
#
#   ARBOR=build/src/cli/arbor bench/azblob/run.sh [FILES] [BIG_MB]
set -euo pipefail
ARBOR="${ARBOR:?set ARBOR to the arbor binary}"
FILES="${1:-10000}"
BIG_MB="${2:-100}"
JS="$(cd "$(dirname "$0")/../../tests/js" && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/arbor-azblob-bench-XXXXXX")"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
KEY="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
mkdir -p "$WORK/azurite"
"$JS/node_modules/.bin/azurite-blob" --blobHost 127.0.0.1 --blobPort "$PORT" --location "$WORK/azurite" \
  --skipApiVersionCheck --loose --disableTelemetry --silent >"$WORK/azurite.log" 2>&1 &
AZ_PID=$!
trap 'kill $AZ_PID 2>/dev/null; wait $AZ_PID 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 600); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
export AZURE_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$KEY;BlobEndpoint=http://127.0.0.1:$PORT/devstoreaccount1;"
export ARBOR_REPO="azblob://devstoreaccount1/bench/repo" ARBOR_STATE_DIR="$WORK/state"
node "$JS/azblob_tool.mjs" mkcontainer bench

python3 - "$WORK/src" "$FILES" "$BIG_MB" <<'PY'
import os, random, sys
root, files, big_mb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
r = random.Random(1)
for i in range(files):
    d = os.path.join(root, "small", "d%03d" % (i // 100))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%05d" % i), "wb") as f:
        f.write(r.randbytes(r.randint(1024, 4096)))
with open(os.path.join(root, "big.bin"), "wb") as f:
    for _ in range(big_mb):
        f.write(r.randbytes(1 << 20))
PY
echo "tree: $FILES small files + one $BIG_MB MB file ($(du -sh "$WORK/src" | cut -f1))"
"$ARBOR" init -q >/dev/null
timed() {  # timed LABEL cmd...: wall time and the store's request counts
  local label=$1 start end
  shift
  start=$(date +%s.%N)
  ARBOR_STORE_STATS=1 "$@" -q >/dev/null 2>"$WORK/err" || { cat "$WORK/err"; exit 1; }
  end=$(date +%s.%N)
  printf '%-18s %6.2f s\n' "$label" "$(python3 -c "print($end - $start)")"
  grep -E "requests" "$WORK/err" | sed 's/^/    /'
}
timed backup "$ARBOR" backup "$WORK/src"
timed "backup unchanged" "$ARBOR" backup "$WORK/src"
timed restore "$ARBOR" restore latest --target "$WORK/restored"
diff -r "$WORK/src" "$WORK/restored$WORK/src" >/dev/null && echo "restore identical"
