#!/usr/bin/env bash
# `arbor serve` over a snapshot of many files: the root listing and every page of one
# large directory, asked through the running server, each page within a time bound and
# the server's memory far below what holding the whole tree would take (the server reads
# only the directories on a path and the listed one: docs/serve.md, "Tree listings").
#
# The tree is made of empty files (no content to chunk or store, so the backup is quick
# and the repository holds directory objects only): `--dir-entries` files in big/, the
# rest in folders of 1,000 beside it (the root listing holds those folders). It is backed
# up with `arbor job submit backup --run` into a fresh SQLite catalog, then served.
#
# Checked: every page of big/ (page_size 1000) and of the root, concatenated, is every
# name once and in order; each page answers within --max-page-seconds; the server's peak
# RSS (VmHWM) minus its RSS before the first listing stays under --max-growth-mib. A
# decoded directory entry (sizeof(arbor::Node) on x86-64) takes 456 bytes, so a server
# that held the whole tree would grow by files x 456 bytes (87 MiB at 200,000 files,
# 435 MiB at 1M).
#
#   ARBOR=build/src/cli/arbor bench/serve/large_snapshot.sh --files 1000000 --dir-entries 100000
#   (the CI test tests/scenarios/serve_large_snapshot.sh runs it at 200,000 and 20,000)
set -euo pipefail
ARBOR="${ARBOR:-$(dirname "$0")/../../build/src/cli/arbor}"
files=1000000 dir_entries=100000 max_page_seconds=5 max_growth_mib=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --files) files=$2; shift 2 ;;
    --dir-entries) dir_entries=$2; shift 2 ;;
    --max-page-seconds) max_page_seconds=$2; shift 2 ;;
    --max-growth-mib) max_growth_mib=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
# Default bound: a third of what the whole tree would take decoded.
max_growth_mib=${max_growth_mib:-$((files * 456 / 3 / 1048576))}
((dir_entries <= files)) || { echo "--dir-entries is more than --files" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/arbor-large-snapshot-XXXXXX")
pid=""
trap '[[ -n "$pid" ]] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
export ARBOR_CATALOG="$work/catalog.db" XDG_STATE_HOME="$work/state"
now() { date +%s.%N; }
since() { python3 -c "import sys, time; print(f'{time.time() - float(sys.argv[1]):.1f}')" "$1"; }

t=$(now)
src="$work/src"
python3 - "$src" "$files" "$dir_entries" <<'PY'
import os, sys
src, files, big = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def make(d, names):
    os.makedirs(d)
    for n in names:
        os.close(os.open(os.path.join(d, n), os.O_CREAT | os.O_WRONLY, 0o644))
make(os.path.join(src, "big"), (f"f{i:07d}" for i in range(big)))
rest, k = files - big, 0
while rest > 0:
    n = min(rest, 1000)
    make(os.path.join(src, f"d{k:05d}"), (f"e{i:04d}" for i in range(n)))
    rest, k = rest - n, k + 1
PY
echo "made $files empty files ($dir_entries in big/) in $(since "$t") s"

t=$(now)
"$ARBOR" -q tenant add t0 >/dev/null
"$ARBOR" -q share add s0 --tenant t0 --path "$src" -r "$work/repo" >/dev/null
"$ARBOR" -q job submit backup --share s0 --tenant t0 --run >/dev/null
echo "backed up in $(since "$t") s"
token=$("$ARBOR" token create --operator --name large | grep -o 'arbor_[0-9a-f]\{64\}')
snapshot=$("$ARBOR" --json share snapshots s0 --tenant t0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$ARBOR" serve --listen "127.0.0.1:$port" 2>/dev/null &
pid=$!
for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null

python3 - "http://127.0.0.1:$port" "$token" "$snapshot" "$src" "$pid" "$files" "$dir_entries" \
  "$max_page_seconds" "$max_growth_mib" <<'PY'
import json, sys, time, urllib.parse, urllib.request
base, token, snapshot, src, pid = sys.argv[1:6]
files, big, max_seconds, max_growth_mib = int(sys.argv[6]), int(sys.argv[7]), float(sys.argv[8]), int(sys.argv[9])

def status_kib(field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise SystemExit(f"no {field} for the server")

def pages(path):
    """Every page of a directory: its names in order and each page's seconds."""
    names, seconds, page_token = [], [], ""
    while True:
        query = {"path": path, "page_size": "1000"}
        if page_token:
            query["page_token"] = page_token
        req = urllib.request.Request(f"{base}/api/v1/snapshots/{snapshot}/tree?{urllib.parse.urlencode(query)}",
                                     headers={"Authorization": f"Bearer {token}"})
        t = time.monotonic()
        with urllib.request.urlopen(req) as r:
            body = json.load(r)
        seconds.append(time.monotonic() - t)
        names += [e["name"] for e in body["entries"]]
        page_token = body.get("next_page_token", "")
        if not page_token:
            return names, seconds

before_kib = status_kib("VmRSS")
root, root_s = pages(src)
big_names, big_s = pages(src + "/big")
peak_kib, after_kib = status_kib("VmHWM"), status_kib("VmRSS")
folders = (files - big + 999) // 1000
ok = True
def check(cond, message):
    global ok
    if not cond:
        print("FAIL:", message)
        ok = False
check(root == ["big"] + [f"d{k:05d}" for k in range(folders)], f"root listing: {len(root)} names, {folders + 1} wanted")
check(big_names == [f"f{i:07d}" for i in range(big)], f"big/: {len(big_names)} names, {big} wanted in order")
all_s = sorted(root_s + big_s)
growth_mib = (peak_kib - before_kib) / 1024
print(f"{files} files: root {len(root)} entries in {len(root_s)} pages, big/ {len(big_names)} entries in "
      f"{len(big_s)} pages; page seconds p50 {all_s[len(all_s) // 2]:.3f}, max {all_s[-1]:.3f} "
      f"(first page of big/ {big_s[0]:.3f})")
print(f"server RSS {before_kib // 1024} MiB before, peak {peak_kib // 1024} MiB, {after_kib // 1024} MiB after: "
      f"growth {growth_mib:.1f} MiB (bound {max_growth_mib} MiB; the whole tree decoded ~{files * 456 // 1048576} MiB)")
check(all_s[-1] < max_seconds, f"a page took {all_s[-1]:.2f} s (bound {max_seconds} s)")
check(growth_mib < max_growth_mib, f"the server grew by {growth_mib:.1f} MiB (bound {max_growth_mib} MiB)")
sys.exit(0 if ok else 1)
PY
echo "PASS"
