// WrapRemote: the wrappers every remote store gets, stacked in one place so every backend
// (Azure Blob, S3, SFTP) behaves the same. From the outside in:
//
//   RetryingStore            transient failures retried with backoff and Retry-After
//   CountingStore            requests by kind; ARBOR_STORE_STATS=1 prints them at close
//   BandwidthLimitedStore    --limit-upload / --limit-download (KiB/s), when set
//   ConcurrencyLimitedStore  at most kRemoteMaxInFlight operations at once
//   the backend
//
// Retries are outermost so that a retry waits without holding a slot, and every attempt
// is counted and pays its bandwidth.
#pragma once

#include <memory>

#include "store/object_store.h"
#include "store/retrying_store.h"
#include "store/store_options.h"

namespace arbor {

// A backup runs about 8 pack writers and up to 32 Azure Files readers; more parallel
// requests than this only invite throttling.
inline constexpr int kRemoteMaxInFlight = 32;

std::unique_ptr<ObjectStore> WrapRemote(std::unique_ptr<ObjectStore> backend, const StoreOptions& options,
                                        RetryOptions retry = {});

}  // namespace arbor
