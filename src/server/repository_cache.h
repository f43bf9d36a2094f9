// Open repositories of shares, kept between requests: opening one reads its config and
// blob index (and, for an encrypted repository, derives its key with Argon2id, ~0.5 s of
// CPU), far more work than the directory a request reads. With each repository the cache
// keeps what a request would otherwise read again from the store every time: the
// snapshots it has found (id -> root tree; a snapshot never changes) and the decoded
// directory objects (a TreeCache, bounded by nodes held), so a page three levels down
// decodes no tree the previous request already decoded.
//
// A cached repository knows the snapshots committed before it was opened. A request for
// a snapshot the catalog recorded later reopens it (`snapshot_created_ms`), and an entry
// older than `max_age` is reopened too, so a prune's repacking is seen within that time
// (a browse that meets a repacked object meanwhile fails, and works again after).
//
// Thread safety: all methods may be called from any thread; the repositories handed out
// are shared (Repository's reads are thread-safe) and stay alive while a holder has them.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "base/status.h"
#include "catalog/catalog.h"
#include "mount/tree_cache.h"
#include "repo/repository.h"
#include "store/store_options.h"

namespace arbor::server {

// One snapshot of an open repository, ready to read.
struct OpenSnapshot {
  std::shared_ptr<Repository> repo;
  std::shared_ptr<TreeCache> trees;  // the repository's decoded directories
  Digest root;
  std::string source_path;  // the snapshot's one source path, or "/"
};

class RepositoryCache {
 public:
  // What the cache has done since it was made: each count is work a cached request skips.
  struct Stats {
    int64_t opens = 0;           // repositories opened (key derivation, index load)
    int64_t snapshot_reads = 0;  // snapshot lists read from a store
    int64_t tree_loads = 0;      // directory objects read and decoded
  };

  // `catalog` must outlive the cache. `tree_nodes` bounds each repository's TreeCache.
  RepositoryCache(catalog::Catalog& catalog, StoreOptions store_options, int64_t max_age_ms = 60000,
                  uint64_t tree_nodes = 200000)
      : catalog_(catalog),
        store_options_(std::move(store_options)),
        max_age_ms_(max_age_ms),
        tree_nodes_(tree_nodes) {}

  // The snapshot `snapshot_id` (recorded by the catalog at `snapshot_created_ms`) of the
  // share's repository, opened as `p` (scoped lookups). NotFound when the share was never
  // backed up or the repository lacks the snapshot.
  Result<OpenSnapshot> Snapshot(const catalog::Principal& p, const catalog::Share& share,
                                const std::string& snapshot_id, int64_t snapshot_created_ms);
  void Invalidate(const std::string& share_id);
  Stats stats() const;

 private:
  struct Root {
    Digest tree;
    std::string source_path;
  };
  struct Entry {
    std::shared_ptr<Repository> repo;
    std::shared_ptr<TreeCache> trees;
    int64_t opened_ms = 0;
    std::map<std::string, Root> snapshots;  // by snapshot id
  };
  // Whether `e` may serve a snapshot the catalog recorded at `snapshot_created_ms`.
  bool Fresh(const Entry& e, int64_t snapshot_created_ms, int64_t now_ms) const;

  catalog::Catalog& catalog_;
  const StoreOptions store_options_;
  const int64_t max_age_ms_;
  const uint64_t tree_nodes_;
  mutable std::mutex mu_;
  std::map<std::string, Entry> entries_;  // by share id; guarded by mu_
  std::atomic<int64_t> opens_{0}, snapshot_reads_{0};
  std::shared_ptr<std::atomic<int64_t>> tree_loads_ = std::make_shared<std::atomic<int64_t>>(0);
};

}  // namespace arbor::server
