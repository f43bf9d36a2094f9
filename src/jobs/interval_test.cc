#include "jobs/interval.h"

#include <gtest/gtest.h>

namespace arbor::jobs {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(IntervalTest, ParsesUnitsAndSums) {
  EXPECT_EQ(ParseInterval("24h").value(), hours(24));
  EXPECT_EQ(ParseInterval("every 24h").value(), hours(24));
  EXPECT_EQ(ParseInterval("1h30m").value(), minutes(90));
  EXPECT_EQ(ParseInterval("7d").value(), hours(7 * 24));
  EXPECT_EQ(ParseInterval("2w").value(), hours(14 * 24));
  EXPECT_EQ(ParseInterval("45s").value(), seconds(45));
}

TEST(IntervalTest, RejectsGarbage) {
  for (const char* bad : {"", "24", "h", "24x", "1h 30m", "-1h", "0s", "every", "1.5h"}) {
    EXPECT_TRUE(ParseInterval(bad).status().Is(StatusCode::kInvalidArgument)) << bad;
  }
}

TEST(IntervalTest, FormatsInLargestUnits) {
  EXPECT_EQ(FormatInterval(minutes(90)), "1h30m");
  EXPECT_EQ(FormatInterval(hours(24)), "1d");
  EXPECT_EQ(FormatInterval(milliseconds(1500)), "1s500ms");
  EXPECT_EQ(ParseInterval(FormatInterval(hours(49))).value(), hours(49));
}

}  // namespace
}  // namespace arbor::jobs
