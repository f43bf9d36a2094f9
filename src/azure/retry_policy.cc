#include "azure/retry_policy.h"

#include <algorithm>
#include <charconv>
#include <string>

#include "azure/file_time.h"

namespace arbor::azure {

using std::chrono::milliseconds;

bool IsRetryableHttpStatus(int status) {
  return status == 408 || status == 500 || status == 502 || status == 503 || status == 504;
}

std::optional<milliseconds> ParseRetryAfter(std::string_view value, std::chrono::system_clock::time_point now) {
  if (value.empty()) return std::nullopt;
  uint64_t seconds = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec == std::errc() && ptr == value.data() + value.size()) {
    return milliseconds(static_cast<int64_t>(std::min<uint64_t>(seconds, 86400)) * 1000);
  }
  auto date = ParseHttpDate(value);
  if (!date.ok()) return std::nullopt;
  auto now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  return milliseconds(std::max<int64_t>(0, date->UnixSeconds() - now_s) * 1000);
}

RetryPolicy::RetryPolicy(const RetryOptions& options, uint64_t seed) : options_(options), rng_(seed) {}

std::optional<milliseconds> RetryPolicy::NextDelay(int attempts_made, milliseconds elapsed,
                                                   std::optional<milliseconds> retry_after) {
  if (attempts_made >= options_.max_attempts) return std::nullopt;
  int doublings = std::min(attempts_made - 1, 30);
  int64_t base = std::min<int64_t>(options_.initial_delay.count() << std::max(doublings, 0),
                                   options_.max_delay.count());
  std::uniform_int_distribution<int64_t> jitter(0, base / 2);
  milliseconds delay(base - base / 2 + jitter(rng_));
  if (retry_after) delay = std::max(delay, *retry_after);
  if (elapsed + delay > options_.max_total) return std::nullopt;
  return delay;
}

}  // namespace arbor::azure
