#!/usr/bin/env bash
# Directory objects version 1 against version 2 (issue 17): makes the small-file
# benchmark set with bench/peers/make_datasets.py (fresh, so that its times are what a
# first backup sees: reading the files changes their atimes) and runs
# bench/trees/tree_bench.cc over it: bytes per file after zstd level 3, decode ns per node.
#
#   bench/trees/run.sh [FILES [DIR]]    (defaults 20000 files, /var/tmp/arbor-trees)
#
# DIR is deleted first and left behind (1M files: 5.3 GB).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
FILES=${1:-20000}
DIR=${2:-/var/tmp/arbor-trees}

# shellcheck source=bench/lib_cpu.sh
. "$ROOT/bench/lib_cpu.sh"
build_driver tree_bench bench/trees/tree_bench
print_machine
rm -rf "$DIR"
python3 "$ROOT/bench/peers/make_datasets.py" small "$DIR/small" --count "$FILES"
"$BUILD/bench/trees/tree_bench" "$DIR/small" 5
