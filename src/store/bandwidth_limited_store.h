// BandwidthLimitedStore: keeps the bytes sent to and received from the wrapped store
// under a rate (--limit-upload / --limit-download, KiB/s), so a backup does not take the
// whole uplink of an office. Uploads (Put, PutFile) take their size from the upload
// bucket before they start; downloads (Get) take what they received afterwards. The
// limit is kept on average over seconds, at the granularity of whole objects: a 32 MiB
// pack still goes out at line speed and the next operation then waits its share.
// Listings, Stat and Delete are small and not limited. Thread-safe.
#pragma once

#include <memory>

#include "store/forwarding_store.h"
#include "store/token_bucket.h"

namespace arbor {

class BandwidthLimitedStore final : public ForwardingStore {
 public:
  // A null bucket leaves that direction unlimited.
  BandwidthLimitedStore(std::unique_ptr<ObjectStore> inner, std::unique_ptr<TokenBucket> upload,
                        std::unique_ptr<TokenBucket> download);

  Status Put(std::string_view key, std::string_view data, const PutOptions& options = {}) override;
  Status PutFile(std::string_view key, const std::string& path, const PutOptions& options = {}) override;
  Result<std::string> Get(std::string_view key, uint64_t offset, uint64_t length) override;

 private:
  const std::unique_ptr<TokenBucket> upload_;
  const std::unique_ptr<TokenBucket> download_;
};

}  // namespace arbor
