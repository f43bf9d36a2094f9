// When and how long to wait before retrying a failed Azure Files request.
//
// Retried: HTTP 408, 500, 502, 503 and 504, and transport failures (connection refused or
// reset, timeouts, truncated bodies). Never retried: other 4xx, which are final answers.
// The wait doubles from `initial_delay` up to `max_delay`, with "equal jitter" (half fixed,
// half random) so that many clients throttled together do not come back together; a
// Retry-After from the server raises the wait to at least that much. The policy gives up
// after `max_attempts` or when the next wait would end past `max_total`.
// A RetryPolicy is per request (it owns a random generator); not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string_view>

namespace arbor::azure {

struct RetryOptions {
  int max_attempts = 8;  // including the first
  std::chrono::milliseconds initial_delay{800};
  std::chrono::milliseconds max_delay{std::chrono::seconds(60)};
  std::chrono::milliseconds max_total{std::chrono::minutes(3)};
};

bool IsRetryableHttpStatus(int status);

// Retry-After as delta-seconds ("120") or an HTTP date; nullopt when absent or invalid.
std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view value,
                                                         std::chrono::system_clock::time_point now);

class RetryPolicy {
 public:
  RetryPolicy(const RetryOptions& options, uint64_t seed);
  // The wait before attempt number `attempts_made + 1`, or nullopt to give up.
  // `elapsed` is the time spent on this request so far.
  std::optional<std::chrono::milliseconds> NextDelay(int attempts_made, std::chrono::milliseconds elapsed,
                                                     std::optional<std::chrono::milliseconds> retry_after);

 private:
  RetryOptions options_;
  std::mt19937_64 rng_;
};

}  // namespace arbor::azure
