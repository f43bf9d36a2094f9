// When a failed attempt is tried again, and how long after.
//
// Transient errors (Unavailable, IOError, Busy, NoSpace: a throttled service, a dropped
// connection, a full disk that may be cleaned) are retried with exponential backoff and
// jitter until the job's max_attempts. Everything else (InvalidArgument, PermissionDenied,
// NotFound, Corruption, Unsupported, ...) is permanent: bad credentials stay bad, so the
// job fails at once with the handler's message instead of retrying forever.
#pragma once

#include <chrono>
#include <cstdint>

#include "base/status.h"

namespace arbor::jobs {

bool IsRetryable(StatusCode code);

struct RetryPolicy {
  std::chrono::milliseconds initial_backoff{2000};
  std::chrono::milliseconds max_backoff{std::chrono::minutes(10)};
  double multiplier = 2.0;
  // Each delay is drawn uniformly from [delay * (1 - jitter), delay]: workers that failed
  // together (a throttled account) do not come back together.
  double jitter = 0.2;

  // The delay before attempt `failed_attempts + 1`, after `failed_attempts` (>= 1) failures.
  std::chrono::milliseconds BackoffAfter(int failed_attempts) const;
};

}  // namespace arbor::jobs
