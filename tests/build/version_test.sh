#!/usr/bin/env bash
# The version is written once, in project() of the top-level CMakeLists.txt: `arbor
# --version` prints it, and no source file spells it out a second time.
# Usage: version_test.sh SOURCE_ROOT ARBOR_BINARY
set -euo pipefail
root=$1 arbor=$2
version=$(sed -nE 's/^project\(arbor VERSION ([0-9.]+) .*/\1/p' "$root/CMakeLists.txt")
[[ -n "$version" ]] || { echo "FAIL: no VERSION in project() of $root/CMakeLists.txt" >&2; exit 1; }
got=$("$arbor" --version)
[[ "$got" == "arbor $version" ]] || { echo "FAIL: arbor --version says '$got', project() says $version" >&2; exit 1; }
if copies=$(grep -rnF "\"arbor $version\"" "$root/src" "$root/tools"); then
  echo "FAIL: the version is hard-coded (use kProgramVersion from version.h):" >&2
  echo "$copies" >&2
  exit 1
fi
echo "arbor --version: $got, written once"
