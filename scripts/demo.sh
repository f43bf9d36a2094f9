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
./scripts/build.sh arbor   # the CLI only; scripts/test.sh builds the rest into the same folder
ARBOR="$PWD/build/src/cli/arbor"
export ARBOR_REPO="$REPO"

# Repositories are encrypted. Without a password given the restic way (ARBOR_PASSWORD,
# ARBOR_PASSWORD_FILE, ARBOR_PASSWORD_COMMAND), the demo makes a random one in a file
# beside the repository: keep it, the repository cannot be read without it.
if [[ -z "${ARBOR_PASSWORD:-}${ARBOR_PASSWORD_FILE:-}${ARBOR_PASSWORD_COMMAND:-}" ]]; then
  export ARBOR_PASSWORD_FILE="$REPO.password"
  if [[ ! -f "$ARBOR_PASSWORD_FILE" ]]; then
    (umask 077 && head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$ARBOR_PASSWORD_FILE")
    echo "== the repository's password is in $ARBOR_PASSWORD_FILE (keep it: without it the backup cannot be read)"
  fi
fi
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
