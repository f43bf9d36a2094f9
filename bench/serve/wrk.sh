#!/usr/bin/env bash
# `arbor serve` under wrk (Debian): requests/s and latency percentiles at 64 connections
# for a 1,000-entry tree page, the du analytics, the share listing (API), the web UI's dashboard (by tenant
# and by state) and /healthz, on a catalog made here (--tenants tenants with --shares shares each, made in
# one SQL transaction from the first tenant's rows; one share backed up with a folder of --entries files). Prints wrk's reports; docs/benchmarks.md ("arbor serve") records a run.
#
#   ARBOR=build/src/cli/arbor bench/serve/wrk.sh [--tenants 100] [--shares 10] [--entries 1000]
set -euo pipefail
ARBOR="${ARBOR:-$(dirname "$0")/../../build/src/cli/arbor}"
tenants=100 shares=10 entries=1000 seconds=10 connections=64
while [[ $# -gt 0 ]]; do
  case "$1" in
    --tenants) tenants=$2; shift 2 ;;
    --shares) shares=$2; shift 2 ;;
    --entries) entries=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "wrk is needed: ARBOR_BENCH_DEPS=1 scripts/install-deps.sh" >&2; exit 1; }
work=$(mktemp -d)
pid=""
trap '[[ -n "$pid" ]] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
export ARBOR_CATALOG="$work/catalog.db" XDG_STATE_HOME="$work/state"

mkdir -p "$work/src/big"
for ((i = 0; i < entries; i++)); do echo "$i" > "$work/src/big/f$i"; done
# Tenant t0 and its shares through the CLI; the other tenants as copies of t0's rows
# (tenant, repository, shares) inserted in one SQLite transaction: 10,000 `share add`
# calls took ~25 minutes (each opens the catalog and the repository). The copies have
# no snapshots and their repository namespaces are never initialized: the dashboard and
# the share listing read only the catalog. SQLite catalogs only (the one made here).
"$ARBOR" -q tenant add t0 >/dev/null
for ((s = 0; s < shares; s++)); do
  "$ARBOR" -q share add "s$s" --tenant t0 --path "$work/src" -r "$work/repo" >/dev/null
done
python3 - "$ARBOR_CATALOG" "$tenants" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
n = int(sys.argv[2])
db.execute("BEGIN")
(t0,) = db.execute("SELECT id FROM tenants WHERE name = 't0'").fetchone()
repos = db.execute("SELECT id, name, url, credential, created_ms FROM repositories WHERE tenant_id = ?", (t0,)).fetchall()
shares = db.execute("SELECT name, kind, location, credential, repository_id, created_ms FROM shares "
                    "WHERE tenant_id = ? ORDER BY name", (t0,)).fetchall()
for t in range(1, n):
    tid = "b%015x" % t
    db.execute("INSERT INTO tenants (id, name, created_ms) SELECT ?, ?, created_ms FROM tenants WHERE id = ?",
               (tid, "t%d" % t, t0))
    new_repo = {}
    for r, (rid, name, url, cred, ms) in enumerate(repos):
        new_repo[rid] = "c%011x%04x" % (t, r)
        db.execute("INSERT INTO repositories VALUES (?, ?, ?, ?, ?, ?)", (new_repo[rid], tid, name, url, cred, ms))
    for k, (name, kind, loc, cred, rid, ms) in enumerate(shares):
        db.execute("INSERT INTO shares VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   ("d%011x%04x" % (t, k), tid, name, kind, loc, cred, new_repo.get(rid), ms))
db.execute("COMMIT")
PY
[[ $("$ARBOR" --json tenant list | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') == "$tenants" ]]
"$ARBOR" -q job submit backup --share s0 --tenant t0 --run >/dev/null
token=$("$ARBOR" token create --operator --name bench | grep -o 'arbor_[0-9a-f]\{64\}')
snapshot=$("$ARBOR" --json share snapshots s0 --tenant t0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$ARBOR" serve --listen "127.0.0.1:$port" 2>/dev/null &
pid=$!
for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
base="http://127.0.0.1:$port"
tree="$base/api/v1/snapshots/$snapshot/tree?path=$work/src/big&page_size=1000"
[[ $(curl -fsS -H "Authorization: Bearer $token" "$tree" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["entries"]))') == "$entries" ]]

# The web UI's dashboard needs a session: sign in as the browser does (login CSRF cookie
# and form field, then the session cookie).
jar="$work/cookies"
csrf=$(curl -fsS -c "$jar" "$base/ui/login" | grep -o 'name="csrf" value="[0-9a-f]*"' | grep -o '[0-9a-f]\{16,\}')
curl -fsS -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf=$csrf" --data-urlencode "token=$token" "$base/ui/login"
session=$(awk '$6 == "arbor_session" {print $7}' "$jar")
[[ -n "$session" ]] || { echo "cannot sign in to the web UI" >&2; exit 1; }

# The dashboard and the share listing page (50 and 100 rows); ?sort=state searches each
# share's newest root job (jobs_root_by_share) to order them.
# /healthz first, as the floor. Each run starts 6 s after the last one ended: past the
# server's 5 s keep-alive timeout, so no thread is still held by the last run's
# connections or requests (they made the next run's p99, /healthz's 0.7 s, look like its own).
du="$base/api/v1/snapshots/$snapshot/analytics/du?path=$work/src"  # the node index's du of the backed-up folder
curl -fsS -H "Authorization: Bearer $token" "$du" >/dev/null
for url in "$base/healthz" "$tree" "$du" "$base/api/v1/shares" "$base/ui/" "$base/ui/?sort=state"; do
  sleep 6
  echo "== ${url#"$base"} (${tenants} tenants x ${shares} shares)"
  wrk -t2 -c"$connections" -d"${seconds}s" --latency -H "Authorization: Bearer $token" \
    -H "Cookie: arbor_session=$session" "$url" | grep -E "Requests/sec|50%|99%|Non-2xx|Socket errors"
done
