#!/usr/bin/env bash
# The billion-file run of issue 19: a tree with its stamps and hashes in a cold column
# (hot records, about 21 bytes per file in RAM), built with checkpoints into an SQLite file
# so that a killed or interrupted run resumes from its last checkpoint: run the same
# command again. After the build the tree is dropped, loaded back from SQLite and queried.
#
#   bench/index/billion.sh [FILES] [DIR]     defaults: 1000000000 /var/tmp/arbor-billion
#
# Needs about 45 bytes per file of disk in DIR (34 the SQLite file, 11 the cold column)
# and 22 bytes per file of RAM; at 1e9 files nothing else should run on a 24 GiB machine.
# The raw "key value" lines go to DIR/FILES.txt, progress to DIR/FILES.log.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
FILES=${1:-1000000000}
DIR=${2:-/var/tmp/arbor-billion}
BUILD=${BUILD:-$ROOT/build-index}
mkdir -p "$DIR"
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DARBOR_WERROR=ON >/dev/null
ninja -C "$BUILD" index_bench >/dev/null
echo "billion: $FILES files into $DIR/index-$FILES.db (progress: $DIR/$FILES.log)" >&2
"$BUILD/bench/index/index_bench" --files="$FILES" --quick --cold-dir="$DIR" \
  --checkpoint="$DIR/index-$FILES.db" 2>"$DIR/$FILES.log" | tee "$DIR/$FILES.txt"
