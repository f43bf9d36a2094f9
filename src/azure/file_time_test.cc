#include "azure/file_time.h"

#include <gtest/gtest.h>

namespace arbor::azure {
namespace {

TEST(FileTimeTest, SmbTimeRoundTripsWithSevenDigits) {
  auto t = ParseSmbTime("2023-02-06T06:58:59.6799025Z");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(FormatSmbTime(*t), "2023-02-06T06:58:59.6799025Z");
  EXPECT_EQ(t->UnixSeconds(), 1675666739);
  EXPECT_EQ(t->ticks % FileTime::kTicksPerSecond, 6799025);
}

TEST(FileTimeTest, SmbTimeAcceptsShorterFractions) {
  EXPECT_EQ(FormatSmbTime(*ParseSmbTime("2023-02-06T06:58:59Z")), "2023-02-06T06:58:59.0000000Z");
  EXPECT_EQ(FormatSmbTime(*ParseSmbTime("2023-02-06T06:58:59.5Z")), "2023-02-06T06:58:59.5000000Z");
  EXPECT_EQ(FormatSmbTime(*ParseSmbTime("2023-02-06T06:58:59.123Z")), "2023-02-06T06:58:59.1230000Z");
}

TEST(FileTimeTest, SmbTimeCoversWindowsEpochAndFarFuture) {
  auto t = ParseSmbTime("1601-01-01T00:00:00.0000000Z");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->ticks, -116444736000000000LL);
  EXPECT_EQ(FormatSmbTime(*t), "1601-01-01T00:00:00.0000000Z");
  EXPECT_EQ(FormatSmbTime(*ParseSmbTime("9999-12-31T23:59:59.9999999Z")), "9999-12-31T23:59:59.9999999Z");
  EXPECT_EQ(FormatSmbTime(FileTime{-1}), "1969-12-31T23:59:59.9999999Z");
}

TEST(FileTimeTest, SmbTimeRejectsMalformed) {
  for (const char* bad : {"", "2023-02-06", "2023-02-06T06:58:59", "2023-02-06T06:58:59.Z",
                          "2023-02-06T06:58:59.12345678Z", "2023-02-30T06:58:59Z", "2023-02-06T24:00:00Z",
                          "2023-02-06T06:58:59.1Zx", "2023-2-06T06:58:59Z", "now"}) {
    EXPECT_FALSE(ParseSmbTime(bad).ok()) << bad;
  }
}

TEST(FileTimeTest, HttpDate) {
  auto t = ParseHttpDate("Mon, 05 Jan 2026 10:00:00 GMT");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(FormatHttpDate(*t), "Mon, 05 Jan 2026 10:00:00 GMT");
  EXPECT_EQ(FormatHttpDate(FileTime{0}), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(FormatHttpDate(*ParseSmbTime("2023-02-06T06:58:59.6799025Z")), "Mon, 06 Feb 2023 06:58:59 GMT");
  EXPECT_FALSE(ParseHttpDate("Mon, 05 Jan 2026 10:00:00 UTC").ok());
  EXPECT_FALSE(ParseHttpDate("Mon, 05 Foo 2026 10:00:00 GMT").ok());
  EXPECT_FALSE(ParseHttpDate("").ok());
}

TEST(FileTimeTest, SasTimeHasNoFraction) {
  EXPECT_EQ(FormatSasTime(*ParseSmbTime("2026-01-05T10:00:00.9Z")), "2026-01-05T10:00:00Z");
}

TEST(FileTimeTest, UnixNanosConversion) {
  EXPECT_EQ(FileTime::FromUnixNanos(1'500'000'000'123'456'789LL).UnixNanos(), 1'500'000'000'123'456'700LL);
  EXPECT_EQ(ParseSmbTime("1601-01-01T00:00:00Z")->UnixNanos(), std::numeric_limits<int64_t>::min());
}

}  // namespace
}  // namespace arbor::azure
