#!/usr/bin/env bash
# Before/after of arbor binaries on one step: a restore (of the whole snapshot, or of the
# paths given with --include) from an existing repository, each run into a fresh
# directory, the binaries alternated round by round so that a change in the machine's
# load hits them alike (issue 17).
#
#   bench/peers/ab_restore.sh [--rounds N] [--work DIR] [--include PATH]... REPO BINARY...
#
# Nothing is deleted between runs: ext4 makes the first files created after a large
# deletion slow for a while (`recently_deleted`, see docs/benchmarks.md), which timed one
# restore at 4x another. The restored trees are deleted at the end. The repository's
# password is ARBOR_PASSWORD (default "bench", as bench/peers/run.sh uses).
# Prints one line per run: binary, wall s, user s, sys s, peak RSS KiB, then the medians.
set -euo pipefail

ROUNDS=3
WORK="${TMPDIR:-/tmp}/arbor-ab-restore"
INCLUDES=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --rounds) ROUNDS=$2; shift 2 ;;
    --work) WORK=$2; shift 2 ;;
    --include) INCLUDES+=(--include "$2"); shift 2 ;;
    -h | --help) sed -n 2,13p "$0"; exit 0 ;;
    *) break ;;
  esac
done
[[ $# -ge 2 ]] || { sed -n 2,13p "$0" >&2; exit 2; }
REPO=$1
shift
export ARBOR_PASSWORD="${ARBOR_PASSWORD:-bench}"
mkdir -p "$WORK"
trap 'rm -rf "$WORK"/out-*' EXIT

# shellcheck source=bench/peers/ab_lib.sh
source "$(dirname "$0")/ab_lib.sh"
for round in $(seq "$ROUNDS"); do
  i=0
  for bin in "$@"; do
    i=$((i + 1))
    sync
    sleep 3
    ab_time "$bin" -r "$REPO" -q restore latest --target "$WORK/out-$round-$i" "${INCLUDES[@]}"
  done
done
ab_medians "$@"
