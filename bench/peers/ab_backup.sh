#!/usr/bin/env bash
# Before/after of arbor binaries on a re-backup: each binary backs SOURCE up into an
# existing repository that already holds a snapshot of it (so each run is an unchanged
# re-backup, or one with whatever changed since), the binaries alternated round by round
# so that a change in the machine's load hits them alike (issue 17).
#
#   bench/peers/ab_backup.sh [--rounds N] [--cold] REPO SOURCE BINARY...
#
# --cold drops the page cache before each run (sync; echo 3 > /proc/sys/vm/drop_caches,
# needs root). Every run adds a snapshot to REPO. The repository's password is
# ARBOR_PASSWORD (default "bench", as bench/peers/run.sh uses). Prints one line per run:
# binary, wall s, user s, sys s, peak RSS KiB, then the medians.
set -euo pipefail

ROUNDS=3
COLD=0
while [[ $# -gt 0 ]]; do
  case $1 in
    --rounds) ROUNDS=$2; shift 2 ;;
    --cold) COLD=1; shift ;;
    -h | --help) sed -n 2,12p "$0"; exit 0 ;;
    *) break ;;
  esac
done
[[ $# -ge 3 ]] || { sed -n 2,12p "$0" >&2; exit 2; }
REPO=$1
SOURCE=$2
shift 2
export ARBOR_PASSWORD="${ARBOR_PASSWORD:-bench}"

# shellcheck source=bench/peers/ab_lib.sh
source "$(dirname "$0")/ab_lib.sh"
for round in $(seq "$ROUNDS"); do
  for bin in "$@"; do
    sync
    if [[ $COLD == 1 ]]; then
      echo 3 > /proc/sys/vm/drop_caches || { echo "--cold needs root (drop_caches)" >&2; exit 1; }
    fi
    sleep 2
    ab_time "$bin" -r "$REPO" -q backup "$SOURCE"
  done
done
ab_medians "$@"
