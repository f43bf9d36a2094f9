#include "store/bandwidth_limited_store.h"

#include <sys/stat.h>

namespace arbor {

BandwidthLimitedStore::BandwidthLimitedStore(std::unique_ptr<ObjectStore> inner,
                                             std::unique_ptr<TokenBucket> upload,
                                             std::unique_ptr<TokenBucket> download)
    : ForwardingStore(std::move(inner)), upload_(std::move(upload)), download_(std::move(download)) {}

Status BandwidthLimitedStore::Put(std::string_view key, std::string_view data, const PutOptions& options) {
  if (upload_) upload_->Take(data.size());
  return inner().Put(key, data, options);
}

Status BandwidthLimitedStore::PutFile(std::string_view key, const std::string& path,
                                      const PutOptions& options) {
  struct stat st {};
  if (upload_ && ::stat(path.c_str(), &st) == 0) upload_->Take(static_cast<uint64_t>(st.st_size));
  return inner().PutFile(key, path, options);
}

Result<std::string> BandwidthLimitedStore::Get(std::string_view key, uint64_t offset, uint64_t length) {
  Result<std::string> data = inner().Get(key, offset, length);
  if (download_ && data.ok()) download_->Take(data->size());
  return data;
}

}  // namespace arbor
