// `arbor stats`: what the repository holds and what it costs.
#pragma once

#include <cstdint>

#include "base/status.h"
#include "repo/repository.h"

namespace arbor {

struct RepoStats {
  uint64_t snapshots = 0;
  uint64_t packs = 0;
  uint64_t pack_bytes = 0;
  uint64_t index_segments = 0;
  uint64_t blobs = 0;
  uint64_t data_blobs = 0;
  uint64_t tree_blobs = 0;
  uint64_t raw_bytes = 0;     // plaintext size of all unique blobs
  uint64_t stored_bytes = 0;  // their size in packs
  uint64_t logical_bytes = 0; // sum of the file sizes of every snapshot (what restores would produce)
  uint64_t index_ram_bytes = 0;
};

Result<RepoStats> ComputeRepoStats(Repository& repo);

}  // namespace arbor
