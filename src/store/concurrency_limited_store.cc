#include "store/concurrency_limited_store.h"

namespace arbor {

class ConcurrencyLimitedStore::Slot {
 public:
  explicit Slot(ConcurrencyLimitedStore* owner) : owner_(owner) { owner_->Acquire(); }
  ~Slot() { owner_->Release(); }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;

 private:
  ConcurrencyLimitedStore* owner_;
};

ConcurrencyLimitedStore::ConcurrencyLimitedStore(std::unique_ptr<ObjectStore> inner, int limit)
    : ForwardingStore(std::move(inner)), free_(limit < 1 ? 1 : limit) {}

void ConcurrencyLimitedStore::Acquire() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [this] { return free_ > 0; });
  --free_;
}

void ConcurrencyLimitedStore::Release() {
  {
    std::lock_guard lock(mu_);
    ++free_;
  }
  cv_.notify_one();
}

Status ConcurrencyLimitedStore::Put(std::string_view key, std::string_view data, const PutOptions& options) {
  Slot slot(this);
  return inner().Put(key, data, options);
}

Status ConcurrencyLimitedStore::PutFile(std::string_view key, const std::string& path,
                                        const PutOptions& options) {
  Slot slot(this);
  return inner().PutFile(key, path, options);
}

Result<std::string> ConcurrencyLimitedStore::Get(std::string_view key, uint64_t offset, uint64_t length) {
  Slot slot(this);
  return inner().Get(key, offset, length);
}

Result<ObjectInfo> ConcurrencyLimitedStore::Stat(std::string_view key) {
  Slot slot(this);
  return inner().Stat(key);
}

Status ConcurrencyLimitedStore::List(std::string_view prefix,
                                     const std::function<Status(const ObjectInfo&)>& fn) {
  Slot slot(this);
  return inner().List(prefix, [&](const ObjectInfo& info) {
    Release();
    Status st = fn(info);
    Acquire();
    return st;
  });
}

Status ConcurrencyLimitedStore::Delete(std::string_view key) {
  Slot slot(this);
  return inner().Delete(key);
}

}  // namespace arbor
