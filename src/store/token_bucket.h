// TokenBucket: a rate limit in bytes per second. Take(n) spends n tokens and returns
// once the bucket is out of debt, so a caller that moves n bytes after (or before)
// Take(n) keeps the average rate. The bucket holds at most one second of tokens, so an
// idle period allows a burst of at most one second's worth. Concurrent takers queue up:
// each one's debt is added to the debt of those before it.
// Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>

namespace arbor {

class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;
  // Tests replace the clock and the sleep; empty means the steady clock and a real sleep.
  struct Hooks {
    std::function<Clock::time_point()> now;
    std::function<void(Clock::duration)> sleep;
  };

  // REQUIRES: bytes_per_second > 0. The bucket starts full.
  explicit TokenBucket(uint64_t bytes_per_second, Hooks hooks = {});

  void Take(uint64_t n);

 private:
  Clock::time_point Now() const { return hooks_.now ? hooks_.now() : Clock::now(); }

  const double rate_;  // tokens per second
  const Hooks hooks_;
  std::mutex mu_;
  double tokens_;           // guarded by mu_; negative while in debt
  Clock::time_point last_;  // guarded by mu_
};

}  // namespace arbor
