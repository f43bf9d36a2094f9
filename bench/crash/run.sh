#!/usr/bin/env bash
# Crash safety over EVERY crash point (CI samples every third): each mutating command
# (first and incremental backup, prune, forget --prune, assemble, repair index, repair
# snapshots) is killed at each of its writes to the store, with the write not done,
# torn, or done but unacknowledged, then run again and followed by a backup; verify
# --read-data and a restore of every snapshot must be clean. Prints, per command, the
# number of writes and crash runs.
#
#   bench/crash/run.sh [FILES...]     (default: 24 80 — files in version 0 of the tree)
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${ARBOR_BUILD_DIR:-build}/tests/crash/crash_safety_test
[[ -x $BIN ]] || { echo "build first: cmake --build build --target crash_safety_test" >&2; exit 1; }
for files in "${@:-24 80}"; do
  for n in $files; do
    echo "=== tree of $n files, every crash point"
    start=$(date +%s)
    ARBOR_CRASH_STRIDE=1 ARBOR_CRASH_FILES=$n "$BIN" --gtest_brief=1 | grep -E "writes,|FAILED|PASSED"
    echo "    ($(($(date +%s) - start)) s)"
  done
done
