#!/usr/bin/env bash
# Every package cmake/ArborDeps.cmake finds as REQUIRED must be linked by some target:
# a required package that nothing uses makes every developer install it for nothing.
# A package counts as used when its name (or its pkg-config prefix; zstd through
# ARBOR_ZSTD) appears in a CMake file outside ArborDeps.cmake, comments stripped.
set -euo pipefail
root="${1:-$(cd "$(dirname "$0")/../.." && pwd)}"
deps="$root/cmake/ArborDeps.cmake"
mapfile -t cmake_files < <(find "$root" -name CMakeLists.txt -not -path '*/build*/*' -not -path '*/node_modules/*'
                           find "$root/cmake" -name '*.cmake' -not -name ArborDeps.cmake)
code=$(sed 's/#.*//' "${cmake_files[@]}")
unused=()
while read -r name; do
  [[ -z "$name" ]] && continue
  [[ "$name" == PkgConfig ]] && continue  # the tool that finds the pkg-config packages
  if ! grep -qi -- "$name" <<<"$code"; then unused+=("$name"); fi
done < <(sed 's/#.*//' "$deps" | sed -nE 's/.*(find_package|pkg_check_modules)\(([A-Za-z0-9_]+) +REQUIRED.*/\2/p')
if ((${#unused[@]})); then
  echo "REQUIRED in cmake/ArborDeps.cmake but linked by no target: ${unused[*]}" >&2
  exit 1
fi
echo "every REQUIRED dependency is linked"
