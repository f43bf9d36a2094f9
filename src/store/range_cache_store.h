// RangeCacheStore: keeps recently read windows of packs and index segments in memory, so
// that the many small reads of a restore (one index lookup and one blob per file) become a
// few large requests to a remote service instead of two round trips per file.
//
// Only objects that never change are cached (IsImmutableObjectKey: packs and index
// segments are named by their content). A Get of at most one window is served from the
// aligned window(s) it falls in, each fetched whole on a miss; larger reads (verify
// --read-data reads whole packs) and every other key go straight through. Put, PutFile and
// Delete of a key drop its windows, so this process never reads an object it deleted.
// At most `max_windows` windows are kept (least recently used go first). Two threads that
// miss the same window may both fetch it; either copy is the same bytes.
// Thread-safe.
#pragma once

#include <atomic>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "store/forwarding_store.h"

namespace arbor {

class RangeCacheStore final : public ForwardingStore {
 public:
  // REQUIRES: window > 0, max_windows > 0.
  RangeCacheStore(std::unique_ptr<ObjectStore> inner, uint64_t window, size_t max_windows);

  Status Put(std::string_view key, std::string_view data, const PutOptions& options = {}) override;
  Status PutFile(std::string_view key, const std::string& path, const PutOptions& options = {}) override;
  Result<std::string> Get(std::string_view key, uint64_t offset, uint64_t length) override;
  Status Delete(std::string_view key) override;

  uint64_t hits() const { return hits_; }
  uint64_t misses() const { return misses_; }

 private:
  using Bytes = std::shared_ptr<const std::string>;
  struct Window {
    Bytes data;
    std::list<std::string>::iterator lru;
  };
  // The window number `index` of `key`: fetched, or from the cache.
  Result<Bytes> Fetch(std::string_view key, uint64_t index);
  void Forget(std::string_view key);

  const uint64_t window_;
  const size_t max_windows_;
  std::atomic<uint64_t> hits_{0}, misses_{0};
  std::mutex mu_;
  std::map<std::string, Window, std::less<>> windows_;  // "key\0index" -> bytes; guarded by mu_
  std::list<std::string> lru_;                          // most recently used first; guarded by mu_
};

}  // namespace arbor
