// A per-key token bucket: the API's per-token rate limit. Each key (a token, as the
// SHA-256 of its secret: the secret itself is never kept) may make `burst` requests at
// once and `per_second` requests a second on average; a request over that is refused with
// the time until the next one may go (HTTP 429 with Retry-After).
//
// Memory: one small entry per key seen; when there are more than `max_keys`, entries whose
// bucket has refilled (they would allow a full burst anyway) are dropped.
// Thread safety: Take may be called from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace arbor::server {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // per_second > 0, burst >= 1.
  RateLimiter(double per_second, double burst, size_t max_keys = 100000)
      : per_second_(per_second), burst_(burst), max_keys_(max_keys) {}

  // Takes one request for `key` at `now`: nullopt when it may go, else how long until
  // it could.
  std::optional<std::chrono::milliseconds> Take(const std::string& key, Clock::time_point now = Clock::now());
  size_t keys() const;

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point at;
  };
  double Refilled(const Bucket& b, Clock::time_point now) const;

  const double per_second_;
  const double burst_;
  const size_t max_keys_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;  // guarded by mu_
};

}  // namespace arbor::server
