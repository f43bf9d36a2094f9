// `arbor stats`: what the repository holds and what it costs.
#pragma once

#include <cstdint>
#include <vector>

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
  uint64_t raw_bytes = 0;      // plaintext size of all unique blobs
  uint64_t stored_bytes = 0;   // their size in packs
  uint64_t logical_bytes = 0;  // sum of the file sizes of every snapshot (what restores would produce)
  uint64_t index_ram_bytes = 0;
};

Result<RepoStats> ComputeRepoStats(Repository& repo);

// restic's `stats --mode` over a set of snapshots.
//   restore-size: what restoring each of them writes (files and bytes, summed over the
//     snapshots, from their records: no tree is read);
//   raw-data: the unique blobs they reference (trees walked once per distinct subtree),
//     their plaintext size and their size in packs: what keeping only them costs.
enum class StatsMode { kRestoreSize, kRawData };

struct SnapshotSetStats {
  uint64_t snapshots = 0;
  uint64_t files = 0;         // restore-size
  uint64_t bytes = 0;         // restore-size: file bytes; raw-data: plaintext of the unique blobs
  uint64_t blobs = 0;         // raw-data
  uint64_t stored_bytes = 0;  // raw-data: their size in packs (compressed, encrypted)
};

Result<SnapshotSetStats> ComputeSnapshotSetStats(Repository& repo, const std::vector<Snapshot>& snapshots,
                                                 StatsMode mode);

}  // namespace arbor
