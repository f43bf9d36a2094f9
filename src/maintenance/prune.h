// Prune: frees the space of data no snapshot references any more.
//
// Under an exclusive lock (so no backup is running, and none can have just decided
// to reuse a blob that looks unreferenced): mark every blob reachable from a
// snapshot; repack packs whose unreachable part exceeds max_unused (copying their
// live blobs into new packs); write one new index naming exactly what remains; delete
// the old index segments; then delete every pack that index does not name. Each step
// leaves a repository that verifies if the process is killed right after it, and a
// rerun finishes the work (proved over every crash point by tests/crash).
//
// A namespace the RESP server stores blobs in (repo/resp_marker.h) is pruned only with
// `resp_held`: prune then keeps, beside what snapshots reference, every blob the RESP
// databases hold and every directory object they stored (walked like a snapshot's root).
// Without it, prune refuses such a namespace (Unsupported).
//
// Prune refuses to run (Corruption) when it cannot know everything snapshots
// reference: a damaged snapshot object or index segment, an unreadable directory
// object, or a referenced blob the index does not name. `arbor repair` fixes those.
#pragma once

#include <chrono>
#include <functional>

#include "base/status.h"
#include "repo/repository.h"
#include "repo/resp_marker.h"

namespace arbor {

struct PruneOptions {
  double max_unused = 0.2;  // repack a pack when more than this share of it is unreferenced
  bool dry_run = false;
  std::chrono::seconds lock_wait{0};
  // What the RESP databases hold (resp/held_objects.h); called under prune's lock, and
  // only for a namespace with the RESP mark. Its error stops prune before any deletion.
  std::function<Result<RespHeld>()> resp_held;
};

struct PruneResult {
  uint64_t blobs_used = 0;
  uint64_t blobs_removed = 0;
  uint64_t packs_deleted = 0;
  uint64_t packs_repacked = 0;
  uint64_t unindexed_packs_deleted = 0;
  uint64_t bytes_freed = 0;  // pack bytes in the store before minus after (estimated by a dry run)
  uint64_t bytes_repacked = 0;
};

Result<PruneResult> RunPrune(Repository& repo, const PruneOptions& options);

}  // namespace arbor
