#include "store/range_cache_store.h"

#include <algorithm>
#include <cstdio>

#include "store/object_key.h"

namespace arbor {
namespace {

// "key\0" then the window number in fixed-width hex: all windows of a key are adjacent.
std::string CacheKey(std::string_view key, uint64_t index) {
  char suffix[20];
  std::snprintf(suffix, sizeof(suffix), "%016llx", static_cast<unsigned long long>(index));
  std::string out(key);
  out.push_back('\0');
  return out + suffix;
}

}  // namespace

RangeCacheStore::RangeCacheStore(std::unique_ptr<ObjectStore> inner, uint64_t window, size_t max_windows)
    : ForwardingStore(std::move(inner)),
      window_(std::max<uint64_t>(window, 1)),
      max_windows_(std::max<size_t>(max_windows, 1)) {}

Result<RangeCacheStore::Bytes> RangeCacheStore::Fetch(std::string_view key, uint64_t index) {
  std::string id = CacheKey(key, index);
  {
    std::lock_guard lock(mu_);
    auto it = windows_.find(id);
    if (it != windows_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second.lru);
      ++hits_;
      return it->second.data;
    }
  }
  ++misses_;
  ARBOR_ASSIGN_OR_RETURN(std::string data, inner().Get(key, index * window_, window_));
  auto bytes = std::make_shared<const std::string>(std::move(data));
  std::lock_guard lock(mu_);
  if (windows_.count(id) == 0) {
    lru_.push_front(id);
    windows_.emplace(id, Window{bytes, lru_.begin()});
    while (windows_.size() > max_windows_) {
      windows_.erase(lru_.back());
      lru_.pop_back();
    }
  }
  return bytes;
}

Result<std::string> RangeCacheStore::Get(std::string_view key, uint64_t offset, uint64_t length) {
  if (length == 0 || length > window_ || !IsImmutableObjectKey(key)) return inner().Get(key, offset, length);
  const uint64_t end = offset + length;  // no overflow: length <= window_
  std::string out;
  for (uint64_t index = offset / window_; index * window_ < end; ++index) {
    ARBOR_ASSIGN_OR_RETURN(Bytes data, Fetch(key, index));
    const uint64_t start = index * window_;
    const uint64_t from = std::max(offset, start) - start;
    const uint64_t to = std::min<uint64_t>(end - start, data->size());
    if (from < to) out.append(*data, from, to - from);
    if (data->size() < window_) break;  // the object ends in this window
  }
  return out;
}

void RangeCacheStore::Forget(std::string_view key) {
  std::string first(key);
  first.push_back('\0');
  std::lock_guard lock(mu_);
  auto it = windows_.lower_bound(first);
  while (it != windows_.end() && it->first.compare(0, first.size(), first) == 0) {
    lru_.erase(it->second.lru);
    it = windows_.erase(it);
  }
}

Status RangeCacheStore::Put(std::string_view key, std::string_view data, const PutOptions& options) {
  Forget(key);
  return inner().Put(key, data, options);
}

Status RangeCacheStore::PutFile(std::string_view key, const std::string& path, const PutOptions& options) {
  Forget(key);
  return inner().PutFile(key, path, options);
}

Status RangeCacheStore::Delete(std::string_view key) {
  Forget(key);
  return inner().Delete(key);
}

}  // namespace arbor
