// FakeClock: a steady clock that moves only when something sleeps on it, for tests of the
// wrappers that wait (retries, bandwidth limits): they run in no time and their waits can
// be checked exactly. Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <vector>

namespace arbor::testing {

class FakeClock {
 public:
  using Clock = std::chrono::steady_clock;

  Clock::time_point Now() {
    std::lock_guard lock(mu_);
    return now_;
  }
  void Sleep(Clock::duration d) {
    std::lock_guard lock(mu_);
    now_ += d;
    sleeps_.push_back(d);
  }
  std::function<Clock::time_point()> NowFn() {
    return [this] { return Now(); };
  }
  std::function<void(std::chrono::milliseconds)> SleepMsFn() {
    return [this](std::chrono::milliseconds d) { Sleep(d); };
  }
  std::function<void(Clock::duration)> SleepFn() {
    return [this](Clock::duration d) { Sleep(d); };
  }
  // Total time slept, and each sleep in order.
  Clock::duration slept() {
    std::lock_guard lock(mu_);
    return now_ - Clock::time_point();
  }
  std::vector<Clock::duration> sleeps() {
    std::lock_guard lock(mu_);
    return sleeps_;
  }

 private:
  std::mutex mu_;
  Clock::time_point now_{};
  std::vector<Clock::duration> sleeps_;
};

}  // namespace arbor::testing
