// RepoConfig: the settings fixed when a (tenant, share) repository is initialised,
// stored as {tenant}/{share}/config: the 12-byte header then a JSON document (human
// readable on purpose: it is the first thing a stranger's reader opens).
#pragma once

#include <string>

#include "base/status.h"
#include "chunking/fastcdc.h"
#include "crypto/aead.h"

namespace arbor {

struct RepoConfig {
  std::string id;             // 32 random bytes, hex: names caches, tells repos apart
  ChunkerParams chunker;      // including the Gear seed: part of the dedup identity
  int compression_level = 3;  // zstd level for new blobs (0 = store uncompressed)
  std::string encryption = "none";
  uint64_t pack_size = 32ULL << 20;  // target pack size for writers
  // Smallest pack_size a config may hold (tests use small packs to get many of them).
  static constexpr uint64_t kMinPackSize = 16 << 10;
  int64_t created_ns = 0;

  static constexpr std::string_view kNoEncryption = "none";
  static constexpr std::string_view kAes256Gcm = "aes-256-gcm";

  // Version 1 (unencrypted): the header, then the JSON document in clear.
  std::string Encode() const;
  // Corruption for unparseable or inconsistent content; Unsupported for a newer
  // format version or an encryption this build cannot do.
  static Result<RepoConfig> Decode(std::string_view object);
  static RepoConfig NewRandom();

  // Version 2 (encrypted, docs/format/encryption.md "config"): the header with version 2,
  // then the JSON document sealed with the namespace's encryption key, AD "config\0".
  // REQUIRES: encryption == kAes256Gcm.
  std::string EncodeSealed(const crypto::AeadKey& key) const;
  // Corruption when the sealed document does not open with `key` (altered, truncated, or
  // the key came from another namespace's key object) or is inconsistent.
  static Result<RepoConfig> DecodeSealed(std::string_view object, const crypto::AeadKey& key);
  // The format version in the config's header (1 or 2), before anything else is read:
  // it says whether the namespace needs a key.
  static Result<uint32_t> Version(std::string_view object);
};

}  // namespace arbor
