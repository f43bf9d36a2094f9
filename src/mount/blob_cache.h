// BlobCache: a bounded, thread-safe LRU cache of decompressed (and checked) data blobs,
// shared by every reader of a mount or a dump. Reads at random offsets of a large file
// touch the same blob many times (FUSE asks for 128 KiB at a time, blobs are ~1 MiB), so
// without it each read would fetch and decrypt a whole blob again.
//
// Contract: Get returns the blob's bytes, loading it through the loader (Repository::LoadBlob) at most
// once however many threads ask for it at the same time (the others wait for that load).
// The bytes of cached blobs never exceed `capacity_bytes`, except for one blob larger than
// the whole capacity, which is handed out but not kept. Prefetch loads a blob on a
// background thread (read-ahead); it is dropped when `max_prefetch` loads are already
// queued, so read-ahead never grows without bound.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "base/status.h"
#include "pipeline/task_pool.h"
#include "repo/repository.h"

namespace arbor {

struct BlobCacheStats {
  uint64_t hits = 0;
  uint64_t loads = 0;  // LoadBlob calls made
  uint64_t bytes_cached = 0;
  uint64_t blobs_cached = 0;
};

class BlobCache {
 public:
  using Bytes = std::shared_ptr<const std::string>;

  // How a missing blob is had: Repository::LoadBlob, or a wrapper (the mount's, which
  // pauses loads while the index is reloaded).
  using Loader = std::function<Result<std::string>(const Digest&)>;

  BlobCache(Repository& repo, uint64_t capacity_bytes, int prefetch_threads = 2);
  BlobCache(Loader load, uint64_t capacity_bytes, int prefetch_threads = 2);
  ~BlobCache();  // waits for the prefetches in flight
  BlobCache(const BlobCache&) = delete;
  BlobCache& operator=(const BlobCache&) = delete;

  Result<Bytes> Get(const Digest& id);
  // Starts loading `id` in the background unless it is cached or being loaded.
  void Prefetch(const Digest& id);
  BlobCacheStats Stats();

 private:
  struct Entry {
    Bytes bytes;   // null while loading
    Status error;  // set when the load failed (the entry is then dropped)
    bool loading = true;
    std::list<Digest>::iterator lru;  // valid once loaded and kept
  };
  void Insert(const Digest& id, Result<std::string> loaded);  // REQUIRES: mu_ held
  void EvictOverCapacity();                                   // REQUIRES: mu_ held

  Loader load_;
  const uint64_t capacity_;
  std::mutex mu_;
  std::condition_variable loaded_;
  std::unordered_map<Digest, std::shared_ptr<Entry>, DigestHash> entries_;  // guarded by mu_
  std::list<Digest> lru_;                                                   // front: newest; guarded by mu_
  uint64_t bytes_ = 0;                                                      // guarded by mu_
  uint64_t hits_ = 0, loads_ = 0;                                           // guarded by mu_
  size_t prefetch_queued_ = 0;                                              // guarded by mu_
  static constexpr size_t kMaxPrefetchQueued = 16;
  TaskPool prefetch_;  // last: joined first, while the rest is still alive
};

}  // namespace arbor
