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
// them; workers load the one the walker will reach first (walk-order keys: the path with
// '/' as NUL, so bytewise order is depth-first order with children by name, as the
// listing prefetcher's). Take returns a loaded tree, waits for one being loaded, or loads
// a not yet started one on the caller's thread, so the walker never waits for a queue.
// What lies before the walker's position is dropped (it never goes back). Bounded: the
// workers pause while the loaded trees not yet taken hold `max_buffered_nodes` entries
// (20,000 by default, a few MB: enough to hide the loads, small beside a backup's RSS).
//
// What is loaded is what the walker would have loaded itself: the snapshot does not
// depend on whether a tree came from here (azure_backup_test.cc checks the tree ids).
// Thread safety: every method may be called from any thread; Take's order is the walk's.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "base/status.h"
#include "pipeline/prefetch_workers.h"
#include "repo/repository.h"

namespace arbor {

struct TreePrefetchStats {
  uint64_t taken = 0;  // Take calls
  uint64_t hits = 0;   // answered by a load a worker had started
};

class TreePrefetcher {
 public:
  // `repo` must outlive the prefetcher.
  TreePrefetcher(Repository& repo, int threads, size_t max_buffered_nodes = 20000);
  ~TreePrefetcher() = default;  // stops the workers (waits for the loads in flight)
  TreePrefetcher(const TreePrefetcher&) = delete;
  TreePrefetcher& operator=(const TreePrefetcher&) = delete;

  // The walker will ask for `tree` as the parent tree of directory `path` (absolute).
  void Expect(const std::string& path, const Digest& tree);
  // Tree `tree` for directory `path`: Repository::LoadTree's result, from a worker when
  // one loaded it.
  Result<std::vector<Node>> Take(const std::string& path, const Digest& tree);

  TreePrefetchStats stats() const;

 private:
  enum class State { kQueued, kRunning, kDone };
  struct Slot {
    Digest tree;
    State state = State::kQueued;
    Result<std::vector<Node>> nodes = Status::Cancelled("not loaded yet");
  };

  // A worker's turn: loads the tree of queued slot `key` without holding mu_.
  void RunOne(std::unique_lock<std::mutex>& lock, const std::string& key);
  // Forgets every slot before `key`. REQUIRES: mu_.
  void DropBefore(const std::string& key);
  void Unbuffer(const Slot& slot);  // REQUIRES: mu_

  Repository& repo_;
  const size_t max_buffered_nodes_;

  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::map<std::string, Slot> slots_;  // by walk-order key; guarded by mu_
  std::string position_;               // key of the last Take; guarded by mu_
  size_t buffered_ = 0;                // nodes in loaded slots; guarded by mu_
  TreePrefetchStats stats_;            // guarded by mu_
  PrefetchWorkers workers_;            // last: stopped before the state above is destroyed
};

}  // namespace arbor
