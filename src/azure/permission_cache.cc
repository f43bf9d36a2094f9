#include "azure/permission_cache.h"

namespace arbor::azure {

Result<std::string> PermissionCache::Get(std::string_view share, std::string_view key) {
  std::string id = std::string(share) + '\n' + std::string(key);
  std::promise<Result<std::string>> promise;
  std::shared_future<Result<std::string>> pending;
  bool fetch = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(id);
    if (it == entries_.end()) {
      pending = promise.get_future().share();
      entries_.emplace(id, pending);
      ++fetches_;
      fetch = true;
    } else {
      pending = it->second;
    }
  }
  if (!fetch) return pending.get();
  Result<std::string> sddl = client_->GetPermission(share, key);
  if (!sddl.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    entries_.erase(id);
  }
  promise.set_value(sddl);
  return sddl;
}

size_t PermissionCache::fetches() const {
  std::lock_guard<std::mutex> lock(mu_);
  return fetches_;
}

}  // namespace arbor::azure
