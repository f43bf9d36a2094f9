#include "jobs/retry_policy.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace arbor::jobs {

bool IsRetryable(StatusCode code) {
  switch (code) {
    case StatusCode::kUnavailable:
    case StatusCode::kIOError:
    case StatusCode::kBusy:
    case StatusCode::kNoSpace:
      return true;
    default:
      return false;
  }
}

std::chrono::milliseconds RetryPolicy::BackoffAfter(int failed_attempts) const {
  double base =
      static_cast<double>(initial_backoff.count()) * std::pow(multiplier, std::max(0, failed_attempts - 1));
  double capped = std::min(base, static_cast<double>(max_backoff.count()));
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_real_distribution<double> spread(1.0 - std::clamp(jitter, 0.0, 1.0), 1.0);
  return std::chrono::milliseconds(static_cast<int64_t>(capped * spread(rng)));
}

}  // namespace arbor::jobs
