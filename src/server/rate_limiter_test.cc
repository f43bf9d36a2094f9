#include "server/rate_limiter.h"

#include <gtest/gtest.h>

namespace arbor::server {
namespace {

using std::chrono::milliseconds;

TEST(RateLimiterTest, ABurstThenTheRate) {
  RateLimiter limiter(2, 3);  // 2 a second, 3 at once
  auto t0 = RateLimiter::Clock::time_point() + std::chrono::hours(1);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.Take("a", t0), std::nullopt) << i;
  auto refused = limiter.Take("a", t0);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(*refused, milliseconds(500)) << "one token comes back every 500 ms";
  EXPECT_EQ(limiter.Take("b", t0), std::nullopt) << "each key has its own bucket";
  EXPECT_TRUE(limiter.Take("a", t0 + milliseconds(400)).has_value());
  EXPECT_EQ(limiter.Take("a", t0 + milliseconds(900)), std::nullopt);
  // A long pause refills to the burst, not beyond.
  auto later = t0 + std::chrono::hours(1);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.Take("a", later), std::nullopt) << i;
  EXPECT_TRUE(limiter.Take("a", later).has_value());
}

TEST(RateLimiterTest, IdleKeysAreDroppedPastTheBound) {
  RateLimiter limiter(1, 1, 2);
  auto t0 = RateLimiter::Clock::time_point() + std::chrono::hours(1);
  EXPECT_EQ(limiter.Take("a", t0), std::nullopt);
  EXPECT_EQ(limiter.Take("b", t0), std::nullopt);
  // Later: a and b have refilled, so a third key drops them.
  EXPECT_EQ(limiter.Take("c", t0 + std::chrono::seconds(5)), std::nullopt);
  EXPECT_EQ(limiter.keys(), 1u);
  // A key still in debt is kept.
  EXPECT_EQ(limiter.Take("d", t0 + std::chrono::seconds(5)), std::nullopt);
  EXPECT_EQ(limiter.Take("e", t0 + std::chrono::seconds(5)), std::nullopt);
  EXPECT_EQ(limiter.keys(), 3u) << "c and d are empty buckets, e new";
}

}  // namespace
}  // namespace arbor::server
