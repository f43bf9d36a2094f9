#include "jobs/retry_policy.h"

#include <gtest/gtest.h>

namespace arbor::jobs {
namespace {

using std::chrono::milliseconds;

TEST(RetryPolicyTest, TransientCodesRetryPermanentOnesDoNot) {
  EXPECT_TRUE(IsRetryable(StatusCode::kUnavailable));
  EXPECT_TRUE(IsRetryable(StatusCode::kIOError));
  EXPECT_TRUE(IsRetryable(StatusCode::kBusy));
  EXPECT_FALSE(IsRetryable(StatusCode::kPermissionDenied));
  EXPECT_FALSE(IsRetryable(StatusCode::kInvalidArgument));
  EXPECT_FALSE(IsRetryable(StatusCode::kNotFound));
  EXPECT_FALSE(IsRetryable(StatusCode::kCorruption));
  EXPECT_FALSE(IsRetryable(StatusCode::kCancelled));
}

TEST(RetryPolicyTest, BackoffGrowsExponentiallyWithinJitterAndIsCapped) {
  RetryPolicy p;
  p.initial_backoff = milliseconds(100);
  p.max_backoff = milliseconds(1000);
  p.jitter = 0.2;
  for (int i = 0; i < 50; ++i) {
    auto first = p.BackoffAfter(1);
    EXPECT_GE(first, milliseconds(80));
    EXPECT_LE(first, milliseconds(100));
    auto third = p.BackoffAfter(3);
    EXPECT_GE(third, milliseconds(320));
    EXPECT_LE(third, milliseconds(400));
    EXPECT_LE(p.BackoffAfter(30), milliseconds(1000));
  }
}

}  // namespace
}  // namespace arbor::jobs
