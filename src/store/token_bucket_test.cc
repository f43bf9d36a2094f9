#include "store/token_bucket.h"

#include <gtest/gtest.h>

#include "store/fake_clock.h"

namespace arbor {
namespace {

using std::chrono::milliseconds;

TEST(TokenBucketTest, KeepsTheAverageRate) {
  testing::FakeClock clock;
  TokenBucket bucket(100 * 1024, {clock.NowFn(), clock.SleepFn()});
  for (int i = 0; i < 10; ++i) bucket.Take(100 * 1024);
  // One second of burst is in the bucket at the start; the other nine seconds are waited.
  EXPECT_EQ(std::chrono::duration_cast<milliseconds>(clock.slept()), milliseconds(9000));
}

TEST(TokenBucketTest, AnIdleBucketHoldsAtMostOneSecond) {
  testing::FakeClock clock;
  TokenBucket bucket(1000, {clock.NowFn(), clock.SleepFn()});
  bucket.Take(1000);
  clock.Sleep(std::chrono::seconds(60));  // idle for a minute
  auto before = clock.slept();
  bucket.Take(3000);
  EXPECT_EQ(std::chrono::duration_cast<milliseconds>(clock.slept() - before), milliseconds(2000));
}

TEST(TokenBucketTest, SmallTakesWithinTheBurstDoNotWait) {
  testing::FakeClock clock;
  TokenBucket bucket(1 << 20, {clock.NowFn(), clock.SleepFn()});
  for (int i = 0; i < 100; ++i) bucket.Take(1000);
  EXPECT_TRUE(clock.sleeps().empty());
}

}  // namespace
}  // namespace arbor
