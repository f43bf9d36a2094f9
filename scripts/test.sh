#!/usr/bin/env bash
# Installs everything the tests need, builds arbor and runs the whole test suite.
# This is the README's test command and exactly what CI (.ci/run) runs.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
if [[ -f tests/js/package.json ]]; then
  (cd tests/js && if [[ -f package-lock.json ]]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi)
fi
./scripts/build.sh
cd "${ARBOR_BUILD_DIR:-build}"
ctest --output-on-failure -j"$(nproc)" "$@"
