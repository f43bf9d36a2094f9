#include "server/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace arbor::server {

double RateLimiter::Refilled(const Bucket& b, Clock::time_point now) const {
  double seconds = std::chrono::duration<double>(now - b.at).count();
  return std::min(burst_, b.tokens + std::max(0.0, seconds) * per_second_);
}

std::optional<std::chrono::milliseconds> RateLimiter::Take(const std::string& key, Clock::time_point now) {
  std::lock_guard lock(mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) {
      std::erase_if(buckets_, [&](const auto& kv) { return Refilled(kv.second, now) >= burst_; });
    }
    it = buckets_.emplace(key, Bucket{burst_, now}).first;
  }
  Bucket& b = it->second;
  b.tokens = Refilled(b, now);
  b.at = now;
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return std::nullopt;
  }
  double wait_s = (1 - b.tokens) / per_second_;
  return std::chrono::milliseconds(static_cast<int64_t>(std::ceil(wait_s * 1000)));
}

size_t RateLimiter::keys() const {
  std::lock_guard lock(mu_);
  return buckets_.size();
}

}  // namespace arbor::server
