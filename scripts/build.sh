#!/usr/bin/env bash
# Configures and builds arbor into ./build: Release, warnings as errors. The demo and the
# test command share this one build type and folder, so the second of them rebuilds nothing
# the first built (they used to differ and compiled everything twice).
#
#   ./scripts/build.sh [TARGET...]   (no target: everything, tests and benchmarks included)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${ARBOR_BUILD_DIR:-build}"
launcher=()
# ccache (if installed) makes a rebuild after a branch switch or a clean a matter of seconds.
if command -v ccache >/dev/null 2>&1; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="${ARBOR_BUILD_TYPE:-Release}" -DARBOR_WERROR=ON \
  "${launcher[@]}" -DARBOR_SKIP_SUBSYSTEMS="${ARBOR_SKIP_SUBSYSTEMS:-}" >/dev/null
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build "$BUILD_DIR" -j"$(nproc)" "${targets[@]}"
