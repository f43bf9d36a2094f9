// CountingStore: counts the operations that reach the wrapped store by kind (PUT for Put
// and PutFile, GET, LIST, HEAD for Stat, DELETE) and the bytes moved, for benchmarks and
// for a user who wants to know what a backup cost in requests (ARBOR_STORE_STATS=1 prints
// the summary when the store is closed). Stacked inside the retries, it counts every
// attempt, failed ones included, as a service bills them. A backend may make several
// HTTP requests for one operation (Azure Blob: a pack is n Put Block + 1 Put Block List);
// its own counters say so. Thread-safe: the counters are atomic.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "store/forwarding_store.h"

namespace arbor {

struct RequestCounts {
  uint64_t put = 0, get = 0, list = 0, head = 0, del = 0;
  uint64_t bytes_up = 0, bytes_down = 0;
  uint64_t failed = 0;  // operations that returned an error (NotFound of Get/Stat included)

  // "PUT 12 (3.2 MiB), GET 4 (1.0 MiB), LIST 2, HEAD 1, DELETE 0, failed 0"
  std::string ToString() const;
};

class CountingStore final : public ForwardingStore {
 public:
  // `at_close`, when set, receives the counts when the store is destroyed.
  explicit CountingStore(std::unique_ptr<ObjectStore> inner,
                         std::function<void(const RequestCounts&)> at_close = {});
  ~CountingStore() override;

  Status Put(std::string_view key, std::string_view data, const PutOptions& options = {}) override;
  Status PutFile(std::string_view key, const std::string& path, const PutOptions& options = {}) override;
  Result<std::string> Get(std::string_view key, uint64_t offset, uint64_t length) override;
  Result<ObjectInfo> Stat(std::string_view key) override;
  Status List(std::string_view prefix, const std::function<Status(const ObjectInfo&)>& fn) override;
  Status Delete(std::string_view key) override;

  RequestCounts counts() const;

 private:
  Status Count(std::atomic<uint64_t>& kind, const Status& outcome);

  const std::function<void(const RequestCounts&)> at_close_;
  std::atomic<uint64_t> put_{0}, get_{0}, list_{0}, head_{0}, del_{0};
  std::atomic<uint64_t> bytes_up_{0}, bytes_down_{0}, failed_{0};
};

}  // namespace arbor
