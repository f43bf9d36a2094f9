#!/usr/bin/env bash
# Configures and builds arbor into ./build (Release with debug info, warnings as errors).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${ARBOR_BUILD_DIR:-build}"
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="${ARBOR_BUILD_TYPE:-RelWithDebInfo}" -DARBOR_WERROR=ON \
  -DARBOR_SKIP_SUBSYSTEMS="${ARBOR_SKIP_SUBSYSTEMS:-}" >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)"
