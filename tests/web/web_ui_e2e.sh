#!/usr/bin/env bash
# The web UI in a real browser: two tenants with real snapshots made by the CLI, then
# `arbor serve` and web_ui_e2e.mjs in headless Chromium (sign in as a tenant and as the
# operator, the dashboard's sorting, filter and pages, browse three levels down, download
# and compare SHA-256, restore a folder with a worker into a folder and in place and
# compare it on disk, the changes between two snapshots, XSS names as text),
# then SIGTERM: the server must stop cleanly (exit 0).
set -euo pipefail
: "${ARBOR:?path to the arbor binary}" "${ARBOR_JS_DIR:?tests/js}" "${SCREENSHOTS:?screenshot folder}"
CHROMIUM="${CHROMIUM:-$(command -v chromium || true)}"
[[ -x "$CHROMIUM" ]] || { echo "web_ui_e2e: Debian's chromium is required (scripts/install-deps.sh)" >&2; exit 1; }

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then kill "$server_pid"; fi
  rm -rf "$work"
}
trap cleanup EXIT
export ARBOR_CATALOG="$work/catalog.db"
export XDG_STATE_HOME="$work/state"

# acme: a tree three levels deep, a 2 MiB file, and two file names that are XSS attempts.
mkdir -p "$work/acme/projects/2026/reports" "$work/globex"
echo "quarterly numbers" > "$work/acme/projects/2026/reports/q4.txt"
head -c 2097152 /dev/urandom > "$work/acme/projects/2026/reports/big.bin"
# A name cannot hold '/': the script tag is the path of file "script>" in folder "<script>alert(1)<".
mkdir -p "$work/acme/projects/<script>alert(1)<"
echo "script" > "$work/acme/projects/<script>alert(1)</script>"
echo "img" > "$work/acme/projects/\"><img src=x onerror=alert(1)>"
echo "globex only" > "$work/globex/globex-secret.txt"
expected_sha=$(sha256sum "$work/acme/projects/2026/reports/big.bin" | cut -d' ' -f1)

"$ARBOR" -q tenant add acme >/dev/null
"$ARBOR" -q tenant add globex >/dev/null
"$ARBOR" -q share add data --tenant acme --path "$work/acme" -r "$work/repo" >/dev/null
"$ARBOR" -q share add files --tenant globex --path "$work/globex" -r "$work/repo" >/dev/null
"$ARBOR" -q job submit backup --share data --tenant acme --run >/dev/null
"$ARBOR" -q job submit backup --share files --tenant globex --run >/dev/null
globex_share=$("$ARBOR" --json share list --tenant globex | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
operator_token=$("$ARBOR" token create --operator --name ops | grep -o 'arbor_[0-9a-f]\{64\}')
acme_token=$("$ARBOR" token create --tenant acme --name acme-admin | grep -o 'arbor_[0-9a-f]\{64\}')

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$ARBOR" serve --listen "127.0.0.1:$port" 2>"$work/serve.log" &
server_pid=$!
for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null

mkdir -p "$SCREENSHOTS"
acme_share=$("$ARBOR" --json share list --tenant acme | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
BASE_URL="http://127.0.0.1:$port" OPERATOR_TOKEN="$operator_token" TENANT_TOKEN="$acme_token" \
  ACME_DIR="$work/acme" ACME_SHARE="$acme_share" \
  EXPECTED_SHA256="$expected_sha" OTHER_TENANT_SHARE="$globex_share" CHROMIUM="$CHROMIUM" SCREENSHOTS="$SCREENSHOTS" \
  ARBOR_JS_DIR="$ARBOR_JS_DIR" node "$(dirname "$0")/web_ui_e2e.mjs"

# The access log: one JSON line per request, and never a token.
if grep -q 'arbor_[0-9a-f]\{64\}' "$work/serve.log"; then
  echo "FAIL: a token reached the server's log" >&2
  exit 1
fi
grep -q '"path":"/ui/"' "$work/serve.log" || { echo "FAIL: no access-log line for /ui/" >&2; exit 1; }

kill -TERM "$server_pid"
rc=0
wait "$server_pid" || rc=$?
server_pid=""
[[ $rc -eq 0 ]] || { echo "FAIL: arbor serve exited $rc after SIGTERM" >&2; cat "$work/serve.log" >&2; exit 1; }
grep -q "stopped" "$work/serve.log"
echo "web_ui_e2e: ok"
