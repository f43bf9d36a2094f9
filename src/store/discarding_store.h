// DiscardingStore: a store for dry runs (`backup --dry-run`). Reads, listings and stats
// go to the wrapped store; every write and delete is counted and dropped, so a command
// runs its whole path (chunking, dedup against the real index, packing, encryption) and
// leaves the store byte-identical. Objects it "wrote" cannot be read back: a caller that
// reads its own writes (none of backup's steps do) gets NotFound. Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>

#include "store/forwarding_store.h"

namespace arbor {

struct DiscardedWrites {
  uint64_t puts = 0;
  uint64_t bytes = 0;
  uint64_t deletes = 0;
};

class DiscardingStore final : public ForwardingStore {
 public:
  explicit DiscardingStore(std::unique_ptr<ObjectStore> inner) : ForwardingStore(std::move(inner)) {}

  std::string Describe() const override { return inner().Describe() + " (dry run)"; }
  Status Put(std::string_view key, std::string_view data, const PutOptions& options = {}) override;
  Status PutFile(std::string_view key, const std::string& path, const PutOptions& options = {}) override;
  Status Delete(std::string_view key) override;

  DiscardedWrites discarded() const { return {puts_.load(), bytes_.load(), deletes_.load()}; }

 private:
  std::atomic<uint64_t> puts_{0}, bytes_{0}, deletes_{0};
};

}  // namespace arbor
