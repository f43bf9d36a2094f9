#!/usr/bin/env bash
# libFuzzer over the RESP parser and dispatcher (src/resp/fuzz_harness.h) with ASan and
# UBSan: builds build-fuzz/ with Debian's clang and -DARBOR_FUZZ=ON, then runs the fuzzer
# for SECONDS (default 600, the issue's 10 minutes) on a corpus kept in build-fuzz/.
# A crash or a broken contract stops it with the input saved as crash-* in the corpus dir.
# The harness's metadata store skips fsync (EngineOptions::fsync, test-only) and its
# scratch repository goes to /dev/shm when there is one (the local store fsyncs every
# pack): durability is not what a fuzz run tests, and each fsync cost an input.
#
#   bench/resp/fuzz.sh [SECONDS]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-600}
command -v clang++ >/dev/null || { echo "clang++ is needed (apt-get install clang)" >&2; exit 1; }
build="$root/build-fuzz"
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DARBOR_FUZZ=ON \
  -DARBOR_TESTS=ON "${launcher[@]}" >/dev/null
cmake --build "$build" -j2 --target resp_fuzzer
corpus="$build/resp-corpus"
mkdir -p "$corpus"
printf '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n' >"$corpus/set"
printf 'HSET h a 1\r\nSADD s x\r\nRPUSH l a\r\nMULTI\r\nINCR n\r\nEXEC\r\nSCAN 0\r\n' >"$corpus/inline"
printf 'BPUT blob\r\nBEXISTS 0000000000000000000000000000000000000000000000000000000000000000\r\n' >"$corpus/blobs"
printf 'BPUT blob\r\nBDEL fa1a2c0a5ab6eb7b2dbc6f1d4d5bc3f43f02ba3ad2db52b0aa85b28a0de4d6f0\r\nDB.CREATE p\r\nSELECT p\r\nSET k v\r\nDB.DROP p\r\nGET k\r\n' >"$corpus/drops"
cd "$corpus"
if [[ -d /dev/shm && -w /dev/shm ]]; then
  TMPDIR=$(mktemp -d /dev/shm/arbor-resp-fuzz-XXXXXX)
  export TMPDIR
  trap 'rm -rf "$TMPDIR"' EXIT  # the scratch store lives in memory: free it after the run
fi
"$build/src/resp/resp_fuzzer" -max_total_time="$seconds" -max_len=4096 -timeout=10 "$corpus"
