#include "server/repository_cache.h"

#include "catalog/ids.h"
#include "job_handlers/share_repository.h"

namespace arbor::server {

Result<std::shared_ptr<Repository>> RepositoryCache::Acquire(const catalog::Principal& p,
                                                             const catalog::Share& share,
                                                             int64_t snapshot_created_ms) {
  int64_t now_ms = catalog::NowMs();
  {
    std::lock_guard lock(mu_);
    auto it = entries_.find(share.id);
    if (it != entries_.end() && snapshot_created_ms < it->second.opened_ms &&
        now_ms - it->second.opened_ms < max_age_ms_) {
      return it->second.repo;
    }
  }
  // Opened outside the lock: a slow store must not hold up requests for other shares.
  int64_t opened_ms = now_ms;
  ARBOR_ASSIGN_OR_RETURN(
      auto repo, job_handlers::OpenShareRepository(catalog_, p, share, /*create=*/false, store_options_));
  std::shared_ptr<Repository> shared(std::move(repo));
  std::lock_guard lock(mu_);
  entries_[share.id] = Entry{shared, opened_ms};
  return shared;
}

void RepositoryCache::Invalidate(const std::string& share_id) {
  std::lock_guard lock(mu_);
  entries_.erase(share_id);
}

}  // namespace arbor::server
