#include "jobs/cron.h"

#include <gtest/gtest.h>

#include <chrono>

namespace arbor::jobs {
namespace {

using namespace std::chrono_literals;
using std::chrono::year;

// ms since the epoch of a UTC date and time.
int64_t Utc(std::chrono::year_month_day date, int hour = 0, int minute = 0) {
  auto t = std::chrono::sys_days(date) + std::chrono::hours(hour) + std::chrono::minutes(minute);
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

int64_t Next(const char* expr, int64_t after_ms) {
  auto c = ParseCron(expr);
  EXPECT_TRUE(c.ok()) << expr << ": " << c.status().ToString();
  if (!c.ok()) return -1;
  auto next = NextCronTime(*c, after_ms);
  EXPECT_TRUE(next.has_value()) << expr;
  return next.value_or(-1);
}

TEST(CronTest, ParsesListsRangesStepsAndNames) {
  auto c = ParseCron("  0,30  */6 1-10/3 jan,JUL-aug  mon-fri ");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->text, "0,30 */6 1-10/3 jan,JUL-aug mon-fri");
  EXPECT_EQ(c->minutes.count(), 2u);
  EXPECT_TRUE(c->minutes.test(0) && c->minutes.test(30));
  EXPECT_EQ(c->hours.to_ulong(), (1u << 0) | (1u << 6) | (1u << 12) | (1u << 18));
  EXPECT_EQ(c->days.to_ulong(), (1u << 1) | (1u << 4) | (1u << 7) | (1u << 10));
  EXPECT_EQ(c->months.to_ulong(), (1u << 1) | (1u << 7) | (1u << 8));
  EXPECT_EQ(c->weekdays.to_ulong(), 0b0111110u);
  EXPECT_FALSE(c->days_star);
  EXPECT_FALSE(c->weekdays_star);
  // 7 is Sunday, as 0; `N/STEP` runs to the field's end.
  EXPECT_EQ(ParseCron("0 0 * * 7")->weekdays.to_ulong(), 1u);
  EXPECT_EQ(ParseCron("50/5 0 * * *")->minutes.count(), 2u);
  EXPECT_TRUE(ParseCron("* * * * *")->days_star);
}

TEST(CronTest, BadExpressionsNameTheField) {
  struct Case {
    const char* expr;
    const char* message;
  };
  for (const Case& c : {
           Case{"", "5 fields"},
           Case{"0 2 * *", "5 fields"},
           Case{"0 2 * * * *", "5 fields"},
           Case{"60 * * * *", "cron minute: '60' is out of range 0-59"},
           Case{"* 24 * * *", "cron hour: '24' is out of range 0-23"},
           Case{"* * 0 * *", "cron day-of-month: '0' is out of range 1-31"},
           Case{"* * 32 * *", "cron day-of-month: '32'"},
           Case{"* * * 13 * ", "cron month: '13' is out of range 1-12"},
           Case{"* * * foo *", "cron month: 'foo' is not a number or a name"},
           Case{"* * * * 8", "cron day-of-week: '8' is out of range 0-7"},
           Case{"* * * * mon-sun", "cron day-of-week: 'mon-sun' is a range that ends before it starts"},
           Case{"*/0 * * * *", "cron minute: '*/0' has a step that is not a positive number"},
           Case{"*/x * * * *", "cron minute: '*/x' has a step"},
           Case{"1,,2 * * * *", "cron minute: '1,,2' has an empty list item"},
           Case{"a * * * *", "cron minute: 'a' is not a number"},
           Case{"-5 * * * *", "cron minute: '-5' is not a number"},
           Case{"0 0 30 2 *", "cron day-of-month: '30' never occurs in month '2'"},
           Case{"0 0 31 apr,jun,sep,nov *", "never occurs"},
       }) {
    auto parsed = ParseCron(c.expr);
    ASSERT_FALSE(parsed.ok()) << c.expr;
    EXPECT_TRUE(parsed.status().Is(StatusCode::kInvalidArgument)) << c.expr;
    EXPECT_NE(parsed.status().message().find(c.message), std::string::npos)
        << c.expr << ": " << parsed.status().message();
  }
}

TEST(CronTest, NextRunIsTheNextMatchingMinuteStrictlyAfter) {
  int64_t t = Utc(year{2026} / 12 / 7, 2, 0);
  EXPECT_EQ(Next("0 2 * * *", t), Utc(year{2026} / 12 / 8, 2, 0));  // not the same minute
  EXPECT_EQ(Next("0 2 * * *", t - 1), t);                           // just before it
  EXPECT_EQ(Next("* * * * *", t + 59'999), t + 60'000);             // seconds are dropped
  EXPECT_EQ(Next("*/15 * * * *", t + 60'000), Utc(year{2026} / 12 / 7, 2, 15));
  EXPECT_EQ(Next("30 23 * * *", Utc(year{2026} / 12 / 31, 23, 30)), Utc(year{2027} / 1 / 1, 23, 30));
  EXPECT_EQ(Next("0 0 1 * *", Utc(year{2026} / 12 / 7)), Utc(year{2027} / 1 / 1));
}

TEST(CronTest, MonthEndsAndFebruary29) {
  // The 31st skips the months without one.
  EXPECT_EQ(Next("0 0 31 * *", Utc(year{2026} / 1 / 31)), Utc(year{2026} / 3 / 31));
  EXPECT_EQ(Next("0 0 31 * *", Utc(year{2026} / 5 / 31)), Utc(year{2026} / 7 / 31));
  EXPECT_EQ(Next("0 0 30 * *", Utc(year{2026} / 1 / 30)), Utc(year{2026} / 3 / 30));
  // Feb 29 only in leap years; 2100 is not one.
  EXPECT_EQ(Next("0 12 29 2 *", Utc(year{2025} / 1 / 1)), Utc(year{2028} / 2 / 29, 12));
  EXPECT_EQ(Next("0 12 29 2 *", Utc(year{2028} / 2 / 29, 12)), Utc(year{2032} / 2 / 29, 12));
  EXPECT_EQ(Next("0 12 29 2 *", Utc(year{2097} / 1 / 1)), Utc(year{2104} / 2 / 29, 12));
  // The last minute of a leap day, then the first of March.
  EXPECT_EQ(Next("59 23 * 2 *", Utc(year{2028} / 2 / 29, 23, 58)), Utc(year{2028} / 2 / 29, 23, 59));
  EXPECT_EQ(Next("0 0 * 3 *", Utc(year{2028} / 2 / 29, 23, 59)), Utc(year{2028} / 3 / 1));
}

TEST(CronTest, DayOfMonthAndDayOfWeekAsVixieCron) {
  // 2026-12-07 is a Monday. Both restricted: either matches (the 15th or any Friday).
  int64_t monday = Utc(year{2026} / 12 / 7);
  EXPECT_EQ(Next("0 0 15 * fri", monday), Utc(year{2026} / 12 / 11));
  EXPECT_EQ(Next("0 0 8 * fri", monday), Utc(year{2026} / 12 / 8));
  // Day-of-month `*`: only the weekday restricts; day-of-week `*`: only the day.
  EXPECT_EQ(Next("0 0 * * fri", monday), Utc(year{2026} / 12 / 11));
  EXPECT_EQ(Next("0 0 15 * *", monday), Utc(year{2026} / 12 / 15));
  // A field starting with `*` counts as unrestricted for the rule even with a step:
  // odd days AND Sundays.
  EXPECT_EQ(Next("0 0 */2 * sun", monday), Utc(year{2026} / 12 / 13));
  // Sunday as 0 and as 7.
  EXPECT_EQ(Next("0 0 * * 0", monday), Utc(year{2026} / 12 / 13));
  EXPECT_EQ(Next("0 0 * * 7", monday), Utc(year{2026} / 12 / 13));
  // Weekdays at 09:30: Friday evening goes to Monday.
  EXPECT_EQ(Next("30 9 * * 1-5", Utc(year{2026} / 12 / 11, 18)), Utc(year{2026} / 12 / 14, 9, 30));
}

}  // namespace
}  // namespace arbor::jobs
