#!/usr/bin/env bash
# Re-backups side by side: each BINARY backs SOURCE up into its REPO, which already
# holds a snapshot of it (so each run is an unchanged re-backup, or one with whatever
# changed since), the binaries alternated round by round so that a change in the
# machine's load hits them alike (issue 17). BINARY is an arbor binary or restic (both
# take `-r REPO -q backup SOURCE`): before/after of two arbor builds, or arbor beside
# restic in one run.
#
#   bench/peers/ab_backup.sh [--rounds N] [--cold] SOURCE BINARY REPO [BINARY REPO]...
#
# --cold drops the page cache before each run (sync; echo 3 > /proc/sys/vm/drop_caches,
# needs root). Every run adds a snapshot to its REPO. Passwords: ARBOR_PASSWORD and
# RESTIC_PASSWORD (default "bench", as bench/peers/run.sh uses); restic's cache is
# RESTIC_CACHE_DIR as set. Prints one line per run: binary, wall s, user s, sys s, peak
# RSS KiB, then the medians.
set -euo pipefail

ROUNDS=3
COLD=0
usage() { sed -n 2,15p "$0"; }
while [[ $# -gt 0 ]]; do
  case $1 in
    --rounds) ROUNDS=$2; shift 2 ;;
    --cold) COLD=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) break ;;
  esac
done
[[ $# -ge 3 && $(( ($# - 1) % 2 )) == 0 ]] || { usage >&2; exit 2; }
SOURCE=$1
shift
BINS=()
REPOS=()
while [[ $# -gt 0 ]]; do BINS+=("$1"); REPOS+=("$2"); shift 2; done
export ARBOR_PASSWORD="${ARBOR_PASSWORD:-bench}" RESTIC_PASSWORD="${RESTIC_PASSWORD:-bench}"

# shellcheck source=bench/peers/ab_lib.sh
source "$(dirname "$0")/ab_lib.sh"
for round in $(seq "$ROUNDS"); do
  for i in "${!BINS[@]}"; do
    sync
    if [[ $COLD == 1 ]]; then
      echo 3 > /proc/sys/vm/drop_caches || { echo "--cold needs root (drop_caches)" >&2; exit 1; }
    fi
    sleep 2
    ab_time "${BINS[$i]}" -r "${REPOS[$i]}" -q backup "$SOURCE"
  done
done
ab_medians "${BINS[@]}"
