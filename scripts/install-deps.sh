#!/usr/bin/env bash
# Installs every Debian package arbor builds, tests and benchmarks with.
# Skips apt-get entirely when everything is already present, so re-runs are cheap.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config git ninja-build clang-format clang-tidy
  libssl-dev libargon2-dev libzstd-dev libsqlite3-dev libflatbuffers-dev flatbuffers-compiler
  libcli11-dev nlohmann-json3-dev libspdlog-dev libfmt-dev libarchive-dev
  libcurl4-openssl-dev libpugixml-dev libcpp-httplib-dev libpqxx-dev libpq-dev
  libfuse3-dev fuse3 libxxhash-dev libkainjow-mustache-dev libssh-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  postgresql redis-tools openssh-server openssh-client
  attr acl rclone tar time python3 procps
  libsecret-1-0 systemd chromium help2man
  libasio-dev liblmdb-dev libhiredis-dev python3-redis
)
# clang-format, clang-tidy: scripts/check-style.sh (run by .ci/run).
# openssh-server/-client: the SFTP store tests run a throwaway sshd and the `sftp` client.
# python3, procps: the scenario scripts pick free ports and read JSON with python3, and use ps.
# help2man: the man pages (src/cli/CMakeLists.txt) are made from each command's --help at build time.
# systemd: tests/deploy checks deploy/systemd's units with systemd-analyze verify.
# chromium: the web UI's end-to-end test (tests/web) drives it headless with playwright-core.
# libsecret-1-0: AzCopy (tests/js, the second official Azure Files client) links against it.
# libasio-dev, liblmdb-dev: the RESP server's event loop and metadata store (docs/resp.md);
# libhiredis-dev: its C-client test; python3-redis (redis-py): its Python-client test
# (tests/scenarios/resp_redis_py.py). redis-server: bench/resp's peer.
# Peers for the side-by-side benchmarks, and wrk for bench/serve (bench/ only, not needed by the tests).
BENCH_PACKAGES=(restic borgbackup python3-pyfuse3 bup hyperfine wrk redis-server)

want=("${PACKAGES[@]}")
# Node.js may come from another source (nodesource ships npm inside nodejs, and its
# package conflicts with Debian's npm): ask Debian only when no npm is on PATH.
command -v npm >/dev/null 2>&1 || want+=(nodejs npm)
if [[ "${ARBOR_BENCH_DEPS:-0}" == "1" ]]; then want+=("${BENCH_PACKAGES[@]}"); fi

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "install-deps: all Debian packages present"
fi
