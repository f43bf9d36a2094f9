// ConcurrencyLimitedStore: at most `limit` operations of the wrapped store in flight at
// once; further callers wait their turn (FIFO is not promised). A remote service answers
// a flood of parallel requests with throttling, and each request holds a connection and
// buffers, so the limit bounds both.
//
// A List holds its slot only while the wrapped store works, not while the caller's
// callback runs: a callback may itself use the store without deadlocking the limit.
// Thread-safe.
#pragma once

#include <condition_variable>
#include <mutex>

#include "store/forwarding_store.h"

namespace arbor {

class ConcurrencyLimitedStore final : public ForwardingStore {
 public:
  // REQUIRES: limit >= 1.
  ConcurrencyLimitedStore(std::unique_ptr<ObjectStore> inner, int limit);

  Status Put(std::string_view key, std::string_view data, const PutOptions& options = {}) override;
  Status PutFile(std::string_view key, const std::string& path, const PutOptions& options = {}) override;
  Result<std::string> Get(std::string_view key, uint64_t offset, uint64_t length) override;
  Result<ObjectInfo> Stat(std::string_view key) override;
  Status List(std::string_view prefix, const std::function<Status(const ObjectInfo&)>& fn) override;
  Status Delete(std::string_view key) override;

 private:
  class Slot;  // RAII: one operation in flight
  void Acquire();
  void Release();

  std::mutex mu_;
  std::condition_variable cv_;
  int free_;  // guarded by mu_
};

}  // namespace arbor
