#include "store/token_bucket.h"

#include <algorithm>
#include <thread>

namespace arbor {

TokenBucket::TokenBucket(uint64_t bytes_per_second, Hooks hooks)
    : rate_(static_cast<double>(std::max<uint64_t>(bytes_per_second, 1))),
      hooks_(std::move(hooks)),
      tokens_(rate_),
      last_(Now()) {}

void TokenBucket::Take(uint64_t n) {
  double debt = 0;
  {
    std::lock_guard lock(mu_);
    Clock::time_point now = Now();
    double elapsed = std::chrono::duration<double>(now - last_).count();
    last_ = now;
    tokens_ = std::min(rate_, tokens_ + elapsed * rate_) - static_cast<double>(n);
    debt = -tokens_;
  }
  if (debt <= 0) return;
  auto wait = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(debt / rate_));
  if (hooks_.sleep) {
    hooks_.sleep(wait);
  } else {
    std::this_thread::sleep_for(wait);
  }
}

}  // namespace arbor
