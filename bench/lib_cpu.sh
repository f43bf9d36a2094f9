# shellcheck shell=bash
# Sourced by the per-core benchmarks (bench/crypto, bench/chunking), which set ROOT and
# BUILD: their driver is built if missing, and each run starts with what it ran on.
#
#   build_driver TARGET PATH       builds TARGET unless $BUILD/PATH is an executable
#   print_machine                  CPU, cores, load average, OpenSSL version

build_driver() {
  if [ ! -x "$BUILD/$2" ]; then
    cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DARBOR_WERROR=ON >/dev/null
    cmake --build "$BUILD" -j2 --target "$1" >/dev/null
  fi
}

print_machine() {
  echo "== machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores," \
    "load $(cut -d' ' -f1-3 /proc/loadavg); $(openssl version)"
}
