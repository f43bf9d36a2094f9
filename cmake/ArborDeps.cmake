# Every third-party library arbor links, found once here (all are Debian packages
# installed by scripts/install-deps.sh). Only what some target links is REQUIRED:
# tests/build/required_deps_test.sh checks that every package found here is used.
# google-benchmark and fmt (spdlog finds its own) come back with the issues that use them.
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(zstd REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(FlatBuffers REQUIRED)
find_package(CLI11 REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(spdlog REQUIRED)
find_package(LibArchive REQUIRED)
find_package(CURL REQUIRED)
find_package(pugixml REQUIRED)
find_package(GTest REQUIRED)
pkg_check_modules(PQXX REQUIRED IMPORTED_TARGET libpqxx)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
pkg_check_modules(LIBSSH REQUIRED IMPORTED_TARGET libssh)
# libfuse3's low-level API for `arbor mount` (src/mount).
pkg_check_modules(FUSE3 REQUIRED IMPORTED_TARGET fuse3)
# Argon2id for passphrase keys (src/crypto/kdf.h); Debian ships only a pkg-config file.
pkg_check_modules(ARGON2 REQUIRED IMPORTED_TARGET libargon2)
# The RESP server (src/resp, docs/resp.md): LMDB for the metadata, hiredis for its C-client
# test, standalone asio (header-only, no pkg-config file) for the event loop.
pkg_check_modules(LMDB REQUIRED IMPORTED_TARGET lmdb)
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)
find_path(ARBOR_ASIO_INCLUDE asio.hpp REQUIRED)


if(TARGET zstd::libzstd_shared)
  set(ARBOR_ZSTD zstd::libzstd_shared)
else()
  set(ARBOR_ZSTD zstd::libzstd_static)
endif()
