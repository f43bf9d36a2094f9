#!/usr/bin/env bash
# Chunking + SHA-256 per core (issue 17), beside OpenSSL's own SHA-256 figure on this
# machine: bench/chunking/chunking_bench.cc (FastCDC alone, SHA-256 and the keyed id
# alone, both as the backup pipeline runs them, zstd at arbor's level), then
# `openssl speed -evp sha256` at 1 MiB (the average chunk) and 16 KiB. All rates are per
# second of CPU time of one thread (openssl speed divides by user CPU time too), so a
# shared machine changes them less. The limit of chunking followed by hashing on one
# core is 1 / (1/fastcdc + 1/sha256), printed at the end from the random input's rates.
#
#   bench/chunking/run.sh [MIB [SECONDS_PER_CASE]]    (defaults 16 MiB, 2 s)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$ROOT/build}
MIB=${1:-16}
SECONDS_PER_CASE=${2:-2}

# shellcheck source=bench/lib_cpu.sh
. "$ROOT/bench/lib_cpu.sh"
build_driver chunking_bench bench/chunking/chunking_bench
print_machine
echo "== arbor (one thread)"
OUT=$("$BUILD/bench/chunking/chunking_bench" "$MIB" "$SECONDS_PER_CASE")
echo "$OUT"

echo "== openssl speed -evp sha256 (one thread; 1000s of bytes per second of CPU time)"
for bytes in 16384 1048576; do
  rate=$(openssl speed -seconds "$SECONDS_PER_CASE" -bytes "$bytes" -evp sha256 2>/dev/null | tail -1 |
    awk '{print $NF}')
  printf '%-28s %8s B  %s\n' "openssl speed -evp sha256" "$bytes" "$rate"
done

echo "== limit of chunking then hashing on one core, 1 / (1/fastcdc + 1/sha256), random input"
awk '$1 == "random" && $2 == "fastcdc" { c = $3 } $1 == "random" && $2 == "sha256" { s = $3 }
     $1 == "random" && $2 == "chunk+sha256" { p = $3 }
     END { l = 1 / (1 / c + 1 / s); printf "%.1f MB/s (fastcdc %.1f, sha256 %.1f); chunk+sha256 measured %.1f = %.0f%% of it\n", l, c, s, p, 100 * p / l }' \
  <<<"$OUT"
