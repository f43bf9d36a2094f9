#include "mount/blob_cache.h"

#include <utility>

namespace arbor {

BlobCache::BlobCache(Repository& repo, uint64_t capacity_bytes, int prefetch_threads)
    : BlobCache([&repo](const Digest& id) { return repo.LoadBlob(id); }, capacity_bytes, prefetch_threads) {}

BlobCache::BlobCache(Loader load, uint64_t capacity_bytes, int prefetch_threads)
    : load_(std::move(load)), capacity_(capacity_bytes), prefetch_(prefetch_threads, kMaxPrefetchQueued) {}

BlobCache::~BlobCache() { prefetch_.Wait(); }

Result<BlobCache::Bytes> BlobCache::Get(const Digest& id) {
  std::unique_lock lock(mu_);
  auto it = entries_.find(id);
  if (it != entries_.end()) {
    std::shared_ptr<Entry> e = it->second;
    if (!e->loading) {
      ++hits_;
      lru_.splice(lru_.begin(), lru_, e->lru);
      return e->bytes;
    }
    loaded_.wait(lock, [&] { return !e->loading; });
    if (!e->error.ok()) return e->error;
    ++hits_;
    return e->bytes;
  }
  auto e = std::make_shared<Entry>();
  entries_.emplace(id, e);
  ++loads_;
  lock.unlock();
  Result<std::string> data = load_(id);
  lock.lock();
  Insert(id, std::move(data));
  if (!e->error.ok()) return e->error;
  return e->bytes;
}

void BlobCache::Insert(const Digest& id, Result<std::string> loaded) {
  auto it = entries_.find(id);
  std::shared_ptr<Entry> e = it->second;
  e->loading = false;
  loaded_.notify_all();
  if (!loaded.ok()) {
    e->error = loaded.status();
    entries_.erase(it);  // a later Get tries again
    return;
  }
  e->bytes = std::make_shared<const std::string>(std::move(loaded).value());
  if (e->bytes->size() > capacity_) {
    entries_.erase(it);  // handed to the callers waiting, never kept
    return;
  }
  lru_.push_front(id);
  e->lru = lru_.begin();
  bytes_ += e->bytes->size();
  EvictOverCapacity();
}

void BlobCache::EvictOverCapacity() {
  while (bytes_ > capacity_ && !lru_.empty()) {
    auto it = entries_.find(lru_.back());
    bytes_ -= it->second->bytes->size();
    entries_.erase(it);
    lru_.pop_back();
  }
}

void BlobCache::Prefetch(const Digest& id) {
  {
    std::lock_guard lock(mu_);
    if (entries_.count(id) || prefetch_queued_ >= kMaxPrefetchQueued) return;
    ++prefetch_queued_;
  }
  prefetch_.Submit([this, id] {
    (void)Get(id);  // an error is reported to the reader that needs the blob
    std::lock_guard lock(mu_);
    --prefetch_queued_;
  });
}

BlobCacheStats BlobCache::Stats() {
  std::lock_guard lock(mu_);
  return {hits_, loads_, bytes_, lru_.size()};
}

}  // namespace arbor
