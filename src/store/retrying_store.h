// RetryingStore: retries the operations of the wrapped store that fail with a transient
// error (StatusCode::kUnavailable: throttling, timeouts, resets, 5xx), so that one lost
// connection does not fail a backup of millions of files.
//
// - Only Unavailable is retried. PermissionDenied, NotFound, InvalidArgument, Corruption
//   and every other code are final answers and come back at once.
// - The wait before retry n is "full jitter" exponential backoff: uniform in
//   [0, min(max_delay, base_delay * 2^(n-1))], so that many workers throttled together do
//   not come back together; a Status::retry_after() from the service (its Retry-After)
//   raises the wait to at least that.
// - At most max_attempts attempts, and no wait that would end after max_total from the
//   first attempt; the last error is returned with how many attempts were made.
// - Every operation of the store contract is safe to repeat: Put overwrites, Delete of a
//   missing key is OK, and PutFile keeps its staged file until it succeeds (the contract
//   every store keeps), so the retry sends the same file again.
// - A List that fails part-way is restarted, and the objects already reported are not
//   reported again (remembered by a 64-bit hash of their keys). A failure returned by the
//   caller's callback is the caller's and is never retried.
// Thread-safe when the wrapped store is; each operation has its own retry state.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <random>

#include "store/forwarding_store.h"

namespace arbor {

struct RetryOptions {
  int max_attempts = 10;  // including the first
  std::chrono::milliseconds base_delay{200};
  std::chrono::milliseconds max_delay{std::chrono::seconds(30)};
  std::chrono::milliseconds max_total{std::chrono::minutes(5)};
  // Tests replace the clock and the sleep; empty means the steady clock and a real sleep.
  std::function<std::chrono::steady_clock::time_point()> now;
  std::function<void(std::chrono::milliseconds)> sleep;
  uint64_t seed = 0;  // 0: random
};

class RetryingStore final : public ForwardingStore {
 public:
  RetryingStore(std::unique_ptr<ObjectStore> inner, RetryOptions options);

  Status Put(std::string_view key, std::string_view data, const PutOptions& options = {}) override;
  Status PutFile(std::string_view key, const std::string& path, const PutOptions& options = {}) override;
  Result<std::string> Get(std::string_view key, uint64_t offset, uint64_t length) override;
  Result<ObjectInfo> Stat(std::string_view key) override;
  Status List(std::string_view prefix, const std::function<Status(const ObjectInfo&)>& fn) override;
  Status Delete(std::string_view key) override;

  // Attempts after the first, over all operations (benchmarks and tests report it).
  uint64_t retries() const { return retries_; }

 private:
  // Runs `attempt` until it succeeds, fails for good, or the budget is spent; a failure
  // after which `*final` is true is not retried.
  Status Run(const std::function<Status()>& attempt, const bool* final = nullptr);
  // The wait before attempt `attempts_made + 1`.
  std::chrono::milliseconds Backoff(int attempts_made, std::chrono::milliseconds retry_after);
  std::chrono::steady_clock::time_point Now() const;

  const RetryOptions options_;
  std::atomic<uint64_t> retries_{0};
  std::mutex rng_mu_;
  std::mt19937_64 rng_;  // guarded by rng_mu_
};

}  // namespace arbor
