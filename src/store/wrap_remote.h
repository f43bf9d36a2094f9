// WrapRemote: the wrappers every remote store gets, stacked in one place so every backend
// (Azure Blob, S3, SFTP) behaves the same. From the outside in:
//
//   RangeCacheStore          recently read windows of packs and index segments (64 MiB)
//   RetryingStore            transient failures retried with backoff and Retry-After
//   CountingStore            requests by kind; ARBOR_STORE_STATS=1 prints them at close
//   BandwidthLimitedStore    --limit-upload / --limit-download (KiB/s), when set
//   ConcurrencyLimitedStore  at most kRemoteMaxInFlight operations at once
//   the backend
//
// A cache hit costs nothing below it. Retries come next so that a retry waits without
// holding a slot, and every attempt is counted and pays its bandwidth.
#pragma once

#include <memory>

#include "store/object_store.h"
#include "store/retrying_store.h"
#include "store/store_options.h"

namespace arbor {

// A backup runs about 8 pack writers and up to 32 Azure Files readers; more parallel
// requests than this only invite throttling.
inline constexpr int kRemoteMaxInFlight = 32;
// A restore reads one index record and one blob per file; 256 KiB windows turn the reads
// of neighbouring small files into one request.
inline constexpr uint64_t kRemoteCacheWindow = 256 * 1024;
inline constexpr size_t kRemoteCacheWindows = 256;

std::unique_ptr<ObjectStore> WrapRemote(std::unique_ptr<ObjectStore> backend, const StoreOptions& options,
                                        RetryOptions retry = {});

}  // namespace arbor
