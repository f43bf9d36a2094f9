// Open repositories of shares, kept between requests: opening one reads its config and
// blob index, far more work than the directory a request reads.
//
// A cached repository knows the snapshots committed before it was opened. A request for
// a snapshot the catalog recorded later reopens it (Acquire's `snapshot_created_ms`), and
// an entry older than `max_age` is reopened too, so a prune's repacking is seen within
// that time (a browse that meets a repacked object meanwhile fails, and works again after).
//
// Thread safety: all methods may be called from any thread; the repositories handed out
// are shared (Repository's reads are thread-safe) and stay alive while a holder has them.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "base/status.h"
#include "catalog/catalog.h"
#include "repo/repository.h"
#include "store/store_options.h"

namespace arbor::server {

class RepositoryCache {
 public:
  // `catalog` must outlive the cache.
  RepositoryCache(catalog::Catalog& catalog, StoreOptions store_options, int64_t max_age_ms = 60000)
      : catalog_(catalog), store_options_(std::move(store_options)), max_age_ms_(max_age_ms) {}

  // The share's repository, opened as `p` (scoped lookups). NotFound when the share was
  // never backed up.
  Result<std::shared_ptr<Repository>> Acquire(const catalog::Principal& p, const catalog::Share& share,
                                              int64_t snapshot_created_ms);
  void Invalidate(const std::string& share_id);

 private:
  struct Entry {
    std::shared_ptr<Repository> repo;
    int64_t opened_ms = 0;
  };

  catalog::Catalog& catalog_;
  const StoreOptions store_options_;
  const int64_t max_age_ms_;
  std::mutex mu_;
  std::map<std::string, Entry> entries_;  // by share id; guarded by mu_
};

}  // namespace arbor::server
