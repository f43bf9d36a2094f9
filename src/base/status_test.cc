#include "base/status.h"

#include <cerrno>

#include <gtest/gtest.h>

namespace arbor {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return Status::InvalidArgument("odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  ARBOR_ASSIGN_OR_RETURN(int h, Half(x));
  return Half(h);
}

TEST(StatusTest, OkAndErrorsCarryCodeAndMessage) {
  EXPECT_TRUE(Status::Ok().ok());
  Status s = Status::NotFound("snapshot abc");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.ToString(), "NotFound: snapshot abc");
  EXPECT_EQ(s.Annotate("restore").ToString(), "NotFound: restore: snapshot abc");
}

TEST(StatusTest, ErrnoMapsToCodes) {
  EXPECT_TRUE(Status::FromErrno(ENOENT, "x").Is(StatusCode::kNotFound));
  EXPECT_TRUE(Status::FromErrno(ENOSPC, "x").Is(StatusCode::kNoSpace));
  EXPECT_TRUE(Status::FromErrno(EACCES, "x").Is(StatusCode::kPermissionDenied));
}

TEST(ResultTest, PropagatesErrorsThroughAssignOrReturn) {
  EXPECT_EQ(*Quarter(8), 2);
  auto r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "odd");
}

TEST(StatusTest, RetryAfterTravelsThroughAnnotate) {
  Status busy = Status::Unavailable("server busy").WithRetryAfter(std::chrono::milliseconds(1500));
  EXPECT_EQ(busy.Annotate("putting pack").retry_after(), std::chrono::milliseconds(1500));
  EXPECT_EQ(Status::Unavailable("x").retry_after(), std::chrono::milliseconds(0));
}

TEST(StatusTest, ServiceCodeTravelsThroughAnnotate) {
  Status missing = Status::NotFound("share gone").WithServiceCode("ShareNotFound");
  Status annotated = missing.Annotate("listing share 's'").Annotate("backup");
  EXPECT_EQ(annotated.service_code(), "ShareNotFound");
  EXPECT_EQ(annotated.message(), "backup: listing share 's': share gone");
  EXPECT_TRUE(annotated.Is(StatusCode::kNotFound));
  EXPECT_EQ(Status::NotFound("x").service_code(), "");
}

}  // namespace
}  // namespace arbor
