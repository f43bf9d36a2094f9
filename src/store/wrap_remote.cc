#include "store/wrap_remote.h"

#include <iostream>

#include "store/bandwidth_limited_store.h"
#include "store/concurrency_limited_store.h"
#include "store/counting_store.h"
#include "store/range_cache_store.h"

namespace arbor {
namespace {

std::unique_ptr<TokenBucket> BucketFor(uint64_t kib_per_second) {
  return kib_per_second == 0 ? nullptr : std::make_unique<TokenBucket>(kib_per_second * 1024);
}

}  // namespace

std::unique_ptr<ObjectStore> WrapRemote(std::unique_ptr<ObjectStore> backend, const StoreOptions& options,
                                        RetryOptions retry) {
  std::string where = backend->Describe();
  std::unique_ptr<ObjectStore> store =
      std::make_unique<ConcurrencyLimitedStore>(std::move(backend), kRemoteMaxInFlight);
  if (options.limit_upload_kib != 0 || options.limit_download_kib != 0) {
    store = std::make_unique<BandwidthLimitedStore>(std::move(store), BucketFor(options.limit_upload_kib),
                                                    BucketFor(options.limit_download_kib));
  }
  std::function<void(const RequestCounts&)> report;
  if (options.print_request_counts) {
    report = [where](const RequestCounts& c) {
      std::cerr << "store requests (" << where << "): " << c.ToString() << "\n";
    };
  }
  store = std::make_unique<CountingStore>(std::move(store), std::move(report));
  store = std::make_unique<RetryingStore>(std::move(store), std::move(retry));
  return std::make_unique<RangeCacheStore>(std::move(store), kRemoteCacheWindow, kRemoteCacheWindows);
}

}  // namespace arbor
