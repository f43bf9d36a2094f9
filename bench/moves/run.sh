#!/usr/bin/env bash
# A directory of 100,000 files moved and 1,000 files renamed, then backed up: the
# scenario tests/scenarios/moves.sh (10,000 files in CI) at benchmark size. It prints
# the time of the backup after the moves and fails if that backup read any content.
#
#   bench/moves/run.sh [ARBOR_BINARY] [FILES]     # defaults: build/src/cli/arbor, 100000
#
# Set TMPDIR to an ext4 directory; the inode-reuse step mounts a small loop ext4 (root).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
export ARBOR=${1:-$root/build/src/cli/arbor}
export MOVE_FILES=${2:-100000}
exec bash "$root/tests/scenarios/moves.sh"
