#include "server/repository_cache.h"

#include "catalog/ids.h"
#include "job_handlers/share_repository.h"

namespace arbor::server {

bool RepositoryCache::Fresh(const Entry& e, int64_t snapshot_created_ms, int64_t now_ms) const {
  return snapshot_created_ms < e.opened_ms && now_ms - e.opened_ms < max_age_ms_;
}

Result<OpenSnapshot> RepositoryCache::Snapshot(const catalog::Principal& p, const catalog::Share& share,
                                               const std::string& snapshot_id, int64_t snapshot_created_ms) {
  int64_t now_ms = catalog::NowMs();
  std::shared_ptr<Repository> repo;
  std::shared_ptr<TreeCache> trees;
  {
    std::lock_guard lock(mu_);
    auto it = entries_.find(share.id);
    if (it != entries_.end() && Fresh(it->second, snapshot_created_ms, now_ms)) {
      const Entry& e = it->second;
      auto found = e.snapshots.find(snapshot_id);
      if (found != e.snapshots.end()) {
        return OpenSnapshot{e.repo, e.trees, found->second.tree, found->second.source_path};
      }
      repo = e.repo;
      trees = e.trees;
    }
  }
  if (!repo) {
    // Opened outside the lock: a slow store must not hold up requests for other shares.
    ARBOR_ASSIGN_OR_RETURN(
        auto opened, job_handlers::OpenShareRepository(catalog_, p, share, /*create=*/false, store_options_));
    opens_.fetch_add(1);
    repo = std::shared_ptr<Repository>(std::move(opened));
    trees = std::make_shared<TreeCache>(
        [raw = repo.get(), loads = tree_loads_](const Digest& id) {
          loads->fetch_add(1);
          return raw->LoadTree(id);
        },
        tree_nodes_);
    std::lock_guard lock(mu_);
    entries_[share.id] = Entry{repo, trees, now_ms, {}};
  }
  snapshot_reads_.fetch_add(1);
  auto snapshot = repo->FindSnapshot(snapshot_id);
  if (!snapshot.ok()) return snapshot.status().Annotate("snapshot " + snapshot_id + " in its repository");
  Root root{snapshot->tree, snapshot->paths.size() == 1 ? snapshot->paths.front() : "/"};
  {
    std::lock_guard lock(mu_);
    auto it = entries_.find(share.id);
    // Only into the entry this repository belongs to (another thread may have reopened it).
    if (it != entries_.end() && it->second.repo == repo) it->second.snapshots[snapshot_id] = root;
  }
  return OpenSnapshot{std::move(repo), std::move(trees), root.tree, root.source_path};
}

void RepositoryCache::Invalidate(const std::string& share_id) {
  std::lock_guard lock(mu_);
  entries_.erase(share_id);
}

RepositoryCache::Stats RepositoryCache::stats() const {
  return Stats{opens_.load(), snapshot_reads_.load(), tree_loads_->load()};
}

}  // namespace arbor::server
