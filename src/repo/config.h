// RepoConfig: the settings fixed when a (tenant, share) repository is initialised,
// stored as {tenant}/{share}/config: the 12-byte header then a JSON document (human
// readable on purpose: it is the first thing a stranger's reader opens).
#pragma once

#include <string>

#include "base/status.h"
#include "chunking/fastcdc.h"

namespace arbor {

struct RepoConfig {
  std::string id;              // 32 random bytes, hex: names caches, tells repos apart
  ChunkerParams chunker;       // including the Gear seed: part of the dedup identity
  int compression_level = 3;   // zstd level for new blobs (0 = store uncompressed)
  std::string encryption = "none";
  uint64_t pack_size = 32ULL << 20;  // target pack size for writers
  // Smallest pack_size a config may hold (tests use small packs to get many of them).
  static constexpr uint64_t kMinPackSize = 16 << 10;
  int64_t created_ns = 0;

  std::string Encode() const;
  // Corruption for unparseable or inconsistent content; Unsupported for a newer
  // format version or an encryption this build cannot do.
  static Result<RepoConfig> Decode(std::string_view object);
  static RepoConfig NewRandom();
};

}  // namespace arbor
