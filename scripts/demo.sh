#!/usr/bin/env bash
# The main job on a fresh machine: install dependencies, build, then back up a
# directory into a local repository (the embedded default: no server), list the
# snapshot, restore it and check the restore is identical.
#
#   ./scripts/demo.sh [SOURCE_DIR] [REPO_DIR]
#   (defaults: /usr/share/doc and ./demo-repo)
set -euo pipefail
cd "$(dirname "$0")/.."
SRC="${1:-/usr/share/doc}"
REPO="${2:-$PWD/demo-repo}"
./scripts/install-deps.sh
./scripts/build.sh
ARBOR="$PWD/build/src/cli/arbor"
export ARBOR_REPO="$REPO"

[[ -f "$REPO/default/default/config" ]] || "$ARBOR" init
echo "== backup $SRC"
"$ARBOR" backup "$SRC"
echo "== snapshots"
"$ARBOR" snapshots
echo "== restore"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
"$ARBOR" restore latest --target "$OUT"
echo "== compare"
SRC_ABS="$(cd "$SRC" && pwd)"
diff -r --no-dereference "$SRC_ABS" "$OUT$SRC_ABS"
echo "restore is identical to $SRC_ABS"
echo "== verify"
"$ARBOR" verify --read-data
