#include "azure/retry_policy.h"

#include <gtest/gtest.h>

namespace arbor::azure {
namespace {

using std::chrono::milliseconds;

TEST(RetryPolicyTest, RetryableStatuses) {
  for (int s : {408, 500, 502, 503, 504}) EXPECT_TRUE(IsRetryableHttpStatus(s)) << s;
  for (int s : {200, 201, 400, 401, 403, 404, 409, 412, 413, 416, 501}) EXPECT_FALSE(IsRetryableHttpStatus(s)) << s;
}

TEST(RetryPolicyTest, ExponentialWithJitterWithinBounds) {
  RetryOptions o;
  o.initial_delay = milliseconds(100);
  o.max_delay = milliseconds(1000);
  o.max_attempts = 10;
  o.max_total = milliseconds(1'000'000);
  RetryPolicy p(o, 42);
  for (int attempt = 1; attempt < 10; ++attempt) {
    int64_t base = std::min<int64_t>(100LL << (attempt - 1), 1000);
    auto d = p.NextDelay(attempt, milliseconds(0), std::nullopt);
    ASSERT_TRUE(d.has_value());
    EXPECT_GE(d->count(), base / 2) << attempt;
    EXPECT_LE(d->count(), base) << attempt;
  }
  EXPECT_FALSE(p.NextDelay(10, milliseconds(0), std::nullopt).has_value());
}

TEST(RetryPolicyTest, JitterSpreadsClients) {
  RetryOptions o;
  o.initial_delay = milliseconds(1000);
  RetryPolicy a(o, 1), b(o, 2);
  int differ = 0;
  for (int i = 0; i < 5; ++i) differ += a.NextDelay(1, milliseconds(0), std::nullopt) != b.NextDelay(1, milliseconds(0), std::nullopt);
  EXPECT_GT(differ, 0);
}

TEST(RetryPolicyTest, RetryAfterRaisesTheWaitAndTotalTimeIsBounded) {
  RetryOptions o;
  o.initial_delay = milliseconds(10);
  o.max_total = milliseconds(5000);
  RetryPolicy p(o, 7);
  EXPECT_EQ(p.NextDelay(1, milliseconds(0), milliseconds(3000)), milliseconds(3000));
  EXPECT_FALSE(p.NextDelay(1, milliseconds(2500), milliseconds(3000)).has_value());
  EXPECT_FALSE(p.NextDelay(2, milliseconds(4999), std::nullopt).has_value());
}

TEST(RetryPolicyTest, ParseRetryAfter) {
  auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1767607200));  // 2026-01-05 10:00:00
  EXPECT_EQ(ParseRetryAfter("5", now), milliseconds(5000));
  EXPECT_EQ(ParseRetryAfter("Mon, 05 Jan 2026 10:00:30 GMT", now), milliseconds(30000));
  EXPECT_EQ(ParseRetryAfter("Mon, 05 Jan 2026 09:00:00 GMT", now), milliseconds(0));
  EXPECT_FALSE(ParseRetryAfter("", now).has_value());
  EXPECT_FALSE(ParseRetryAfter("soon", now).has_value());
  EXPECT_FALSE(ParseRetryAfter("-1", now).has_value());
}

}  // namespace
}  // namespace arbor::azure
