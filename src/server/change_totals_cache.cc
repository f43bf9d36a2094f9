#include "server/change_totals_cache.h"

namespace arbor::server {

std::optional<ChangeSummary> ChangeTotalsCache::Find(const std::string& against_id,
                                                     const std::string& snapshot_id) const {
  std::lock_guard lock(mu_);
  auto it = totals_.find(Key(against_id, snapshot_id));
  if (it == totals_.end()) return std::nullopt;
  return it->second;
}

void ChangeTotalsCache::Put(const std::string& against_id, const std::string& snapshot_id,
                            const ChangeSummary& totals) {
  std::lock_guard lock(mu_);
  Key key(against_id, snapshot_id);
  if (!totals_.emplace(key, totals).second) return;  // counted by two requests at once: one is kept
  order_.push_back(std::move(key));
  while (totals_.size() > capacity_) {
    totals_.erase(order_.front());
    order_.pop_front();
  }
}

}  // namespace arbor::server
