// TreePrefetcher: loads the parent snapshot's tree objects a backup's walker is going to
// compare against, ahead of it, on a few threads of their own.
//
// Why: the walker compares every directory it lists with the parent snapshot's tree
// for it, and loading that tree (index lookup, pack read, decryption, decoding) took
// ~2.5 ms per directory on a loaded machine. Over Azure Files the listings are read
// ahead (shares/listing_prefetcher.h), so on an unchanged re-backup the tree loads were
// what the walker waited for: a split share's part listed its ~100 units in 0.2 s and
// then spent 0.25 s loading their trees one after the other (docs/benchmarks-azure.md).
//
// The walker announces the subtrees it will descend into (Expect) as soon as it knows
// them; workers load them ahead in walk order (walk_read_ahead.h). Bounded: the workers
// pause while the loaded trees not yet taken hold `max_buffered_nodes` entries (20,000 by
// default, a few MB: enough to hide the loads, small beside a backup's RSS).
//
// What is loaded is what the walker would have loaded itself: the snapshot does not
// depend on whether a tree came from here (azure_backup_test.cc checks the tree ids).
// Thread safety: every method may be called from any thread; Take's order is the walk's.
#pragma once

#include <vector>

#include "archiver/walk_read_ahead.h"
#include "base/status.h"
#include "repo/repository.h"

namespace arbor {

using TreePrefetchStats = WalkAheadStats;

class TreePrefetcher {
 public:
  // `repo` must outlive the prefetcher.
  TreePrefetcher(Repository& repo, int threads, size_t max_buffered_nodes = 20000)
      : ahead_(
            threads, max_buffered_nodes,
            [&repo](const std::string&, const Digest& tree) { return repo.LoadTree(tree); },
            [](const Result<std::vector<Node>>& nodes) -> size_t { return nodes.ok() ? nodes->size() : 1; }) {
  }

  // The walker will ask for `tree` as the parent tree of directory `path` (absolute).
  void Expect(const std::string& path, const Digest& tree) { ahead_.Expect(path, tree); }
  // Tree `tree` for directory `path`: Repository::LoadTree's result, from a worker when
  // one loaded it.
  Result<std::vector<Node>> Take(const std::string& path, const Digest& tree) {
    return ahead_.Take(path, tree);
  }

  TreePrefetchStats stats() const { return ahead_.stats(); }

 private:
  WalkReadAhead<Digest, Result<std::vector<Node>>> ahead_;
};

}  // namespace arbor
