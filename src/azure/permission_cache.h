// Fetches the SDDL of each distinct permission key once.
//
// A share with a million files typically has a handful of distinct security descriptors;
// listings return only their keys. The cache turns "one Get Permission per file" into one
// per distinct (share, key). Concurrent callers asking for the same key wait for a single
// request. Failures are not cached, so a later call retries.
// Thread-safe. The client must outlive the cache.
#pragma once

#include <future>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "azure/files_client.h"

namespace arbor::azure {

class PermissionCache {
 public:
  explicit PermissionCache(FilesClient* client) : client_(client) {}

  Result<std::string> Get(std::string_view share, std::string_view key);
  // Get Permission requests made so far (for tests and progress reports).
  size_t fetches() const;

 private:
  FilesClient* const client_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_future<Result<std::string>>> entries_;  // guarded by mu_
  size_t fetches_ = 0;                                                      // guarded by mu_
};

}  // namespace arbor::azure
