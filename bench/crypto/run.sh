#!/usr/bin/env bash
# Encryption primitives, per core, beside OpenSSL's own figures on this machine:
#   arbor's AES-256-GCM seal/open and keyed-id HMAC-SHA-256 (bench/crypto/crypto_bench.cc)
#   openssl speed -evp aes-256-gcm        (bulk GCM, in place, no per-op init or tag)
#   openssl speed -aead -evp aes-256-gcm  (per op: init, AD, encrypt, tag: like a seal)
#   openssl speed -evp sha256 / -hmac sha256
# at 4 KiB (small files), 64 KiB and 1 MiB (the average chunk); then the default
# Argon2id parameters' time. All rates are per second of CPU time of one thread
# (openssl speed divides by user CPU time too), so a shared machine changes them less.
#
#   bench/crypto/run.sh [SECONDS_PER_CASE]    (default 1)
#
# With --backup, instead: what encryption costs a whole backup. bench/peers/run.sh
# runs arbor (encrypted, the default), arbor-plain (--insecure-no-encryption) and restic
# (always encrypted) on its small-file and large-file datasets in one run:
#
#   bench/crypto/run.sh --backup [--files N] [--gib G] [--work DIR]
#                                (defaults 1,000,000 files, 3 GiB, as bench/peers)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}

if [[ ${1:-} == --backup ]]; then
  shift
  if ! command -v restic >/dev/null; then
    echo "installing restic (apt-get)..." >&2
    apt-get install -y restic >/dev/null
  fi
  [[ -x "$BUILD/src/cli/arbor" ]] || cmake --build "$BUILD" -j2 --target arbor >/dev/null
  echo "== machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores," \
    "load $(cut -d' ' -f1-3 /proc/loadavg); $(restic version | cut -d' ' -f1-2)"
  exec env ARBOR="$BUILD/src/cli/arbor" "$ROOT/bench/peers/run.sh" --tools "arbor arbor-plain restic" "$@"
fi
SECONDS_PER_CASE=${1:-1}

# shellcheck source=bench/lib_cpu.sh
. "$ROOT/bench/lib_cpu.sh"
build_driver crypto_bench bench/crypto/crypto_bench
print_machine
echo "== arbor (one thread)"
"$BUILD/bench/crypto/crypto_bench" "$SECONDS_PER_CASE"

echo "== openssl speed (one thread; 1000s of bytes per second of CPU time)"
for bytes in 4096 65536 1048576; do
  for args in "-evp aes-256-gcm" "-aead -evp aes-256-gcm" "-evp sha256" "-hmac sha256"; do
    # shellcheck disable=SC2086
    rate=$(openssl speed -seconds "$SECONDS_PER_CASE" -bytes "$bytes" $args 2>/dev/null | tail -1 |
      awk '{print $NF}')
    printf '%-28s %8s B  %s\n' "openssl speed $args" "$bytes" "$rate"
  done
done
