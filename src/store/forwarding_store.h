// ForwardingStore: the base of the stacked wrappers (retries, limits, counters). Every
// operation goes to the wrapped store unchanged; a wrapper overrides only the operations
// it changes. Thread-safe when the wrapped store is.
#pragma once

#include <memory>
#include <string>

#include "store/object_store.h"

namespace arbor {

class ForwardingStore : public ObjectStore {
 public:
  explicit ForwardingStore(std::unique_ptr<ObjectStore> inner) : inner_(std::move(inner)) {}

  std::string Describe() const override { return inner_->Describe(); }
  Status Put(std::string_view key, std::string_view data, const PutOptions& options = {}) override {
    return inner_->Put(key, data, options);
  }
  Status PutFile(std::string_view key, const std::string& path, const PutOptions& options = {}) override {
    return inner_->PutFile(key, path, options);
  }
  Result<std::string> Get(std::string_view key, uint64_t offset, uint64_t length) override {
    return inner_->Get(key, offset, length);
  }
  Result<ObjectInfo> Stat(std::string_view key) override { return inner_->Stat(key); }
  Status List(std::string_view prefix, const std::function<Status(const ObjectInfo&)>& fn) override {
    return inner_->List(prefix, fn);
  }
  Status Delete(std::string_view key) override { return inner_->Delete(key); }
  std::string StagingDir() const override { return inner_->StagingDir(); }

 protected:
  ObjectStore& inner() const { return *inner_; }

 private:
  const std::unique_ptr<ObjectStore> inner_;
};

}  // namespace arbor
