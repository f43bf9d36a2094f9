#!/usr/bin/env bash
# `arbor serve` over a 200,000-file snapshot: the root listing and the 20 pages of a
# 20,000-entry directory, each within a time bound, and the server's memory growth far
# below the whole tree's (bench/serve/large_snapshot.sh; run it with --files 1000000
# --dir-entries 100000 for the full-size check).
set -euo pipefail
: "${ARBOR:?set ARBOR to the arbor binary}"
exec bash "$(dirname "$0")/../../bench/serve/large_snapshot.sh" --files 200000 --dir-entries 20000
