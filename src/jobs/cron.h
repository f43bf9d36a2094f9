// Cron expressions for schedules: the five fields of crontab(5), evaluated in UTC.
//
//   minute hour day-of-month month day-of-week      e.g. "0 2 * * *", "*/15 8-18 * * mon-fri"
//
// Each field is a comma-separated list of `*`, `N`, `N-M`, each optionally `/STEP`
// (`N/STEP` runs from N to the field's end). Months and weekdays also take their English
// three-letter names (jan..dec, sun..sat, any case); day-of-week 7 is Sunday, as 0.
// Day-of-month and day-of-week follow Vixie cron: when both are restricted (neither
// starts with `*`), a day matching either runs; otherwise a day must match both (so the
// one that starts with `*` does not restrict).
//
// Hand-written: Debian packages no C++ cron parser (croncpp, libcron and ccronexpr are
// not in the archive), and the grammar above is small. Pure: no clock, no I/O.
#pragma once

#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace arbor::jobs {

struct CronExpression {
  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<32> days;        // 1..31
  std::bitset<13> months;      // 1..12
  std::bitset<7> weekdays;     // 0 = Sunday .. 6 = Saturday
  bool days_star = false;      // the day-of-month field starts with '*'
  bool weekdays_star = false;  // the day-of-week field starts with '*'
  std::string text;            // as given, spaces collapsed
};

// InvalidArgument naming the field ("cron day-of-week: '8' is out of range 0-7") for a
// malformed expression, or for one that matches no date at all ("0 0 30 2 *").
Result<CronExpression> ParseCron(std::string_view text);

// The first whole minute strictly after `after_ms` that the expression matches, in ms
// since the epoch (UTC). Empty only when no match exists within the next nine years
// (ParseCron refuses such expressions).
std::optional<int64_t> NextCronTime(const CronExpression& cron, int64_t after_ms);

}  // namespace arbor::jobs
