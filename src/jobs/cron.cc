#include "jobs/cron.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <vector>

namespace arbor::jobs {
namespace {

constexpr int64_t kMinuteMs = 60'000;
constexpr int kMinutesPerDay = 24 * 60;
// A date that exists at all recurs within eight years (Feb 29 skips 2100: 2096 -> 2104),
// with every weekday: nine years of days bound every search.
constexpr int kSearchDays = 9 * 366;

struct FieldSpec {
  const char* name;
  int min;
  int max;
  // Names for the values from `min` on (months, weekdays), or empty.
  std::array<const char*, 12> names;
};

constexpr FieldSpec kMinute{"minute", 0, 59, {}};
constexpr FieldSpec kHour{"hour", 0, 23, {}};
constexpr FieldSpec kDayOfMonth{"day-of-month", 1, 31, {}};
constexpr FieldSpec kMonth{
    "month", 1, 12, {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}};
// 7 is Sunday too (folded into 0 after parsing).
constexpr FieldSpec kDayOfWeek{"day-of-week", 0, 7, {"sun", "mon", "tue", "wed", "thu", "fri", "sat"}};

Status FieldError(const FieldSpec& f, std::string_view item, const std::string& why) {
  return Status::InvalidArgument("cron " + std::string(f.name) + ": '" + std::string(item) + "' " + why);
}

// One value: a number or, where the field has them, a name.
Result<int> ParseValue(const FieldSpec& f, std::string_view item, std::string_view text) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc() && end == text.data() + text.size()) {
    if (value < f.min || value > f.max)
      return FieldError(f, item, "is out of range " + std::to_string(f.min) + "-" + std::to_string(f.max));
    return value;
  }
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (size_t i = 0; i < f.names.size() && f.names[i] != nullptr; ++i) {
    if (lower == f.names[i]) return f.min + static_cast<int>(i);
  }
  return FieldError(f, item, "is not a number" + std::string(f.names[0] ? " or a name" : ""));
}

// One list item (`*`, `N`, `N-M`, each with an optional `/STEP`) into `bits`.
template <size_t kBits>
Status ParseItem(const FieldSpec& f, std::string_view item, std::bitset<kBits>& bits) {
  std::string_view range = item;
  int step = 1;
  if (size_t slash = item.find('/'); slash != std::string_view::npos) {
    range = item.substr(0, slash);
    std::string_view step_text = item.substr(slash + 1);
    auto [end, ec] = std::from_chars(step_text.data(), step_text.data() + step_text.size(), step);
    if (ec != std::errc() || end != step_text.data() + step_text.size() || step < 1)
      return FieldError(f, item, "has a step that is not a positive number");
  }
  int low = f.min, high = f.max;
  if (range != "*") {
    size_t dash = range.find('-');
    ARBOR_ASSIGN_OR_RETURN(low, ParseValue(f, item, range.substr(0, dash)));
    if (dash != std::string_view::npos) {
      ARBOR_ASSIGN_OR_RETURN(high, ParseValue(f, item, range.substr(dash + 1)));
      if (high < low) return FieldError(f, item, "is a range that ends before it starts");
    } else if (range.size() == item.size()) {
      high = low;  // a single value; `N/STEP` runs to the field's end
    }
  }
  for (int v = low; v <= high; v += step) bits.set(static_cast<size_t>(v));
  return Status::Ok();
}

template <size_t kBits>
Status ParseField(const FieldSpec& f, std::string_view text, std::bitset<kBits>& bits) {
  size_t pos = 0;
  while (true) {
    size_t comma = text.find(',', pos);
    std::string_view item = text.substr(pos, comma == std::string_view::npos ? comma : comma - pos);
    if (item.empty()) return FieldError(f, text, "has an empty list item");
    ARBOR_RETURN_IF_ERROR(ParseItem(f, item, bits));
    if (comma == std::string_view::npos) return Status::Ok();
    pos = comma + 1;
  }
}

bool DayMatches(const CronExpression& c, const std::chrono::year_month_day& ymd, std::chrono::weekday wd) {
  bool dom = c.days.test(static_cast<unsigned>(ymd.day()));
  bool dow = c.weekdays.test(wd.c_encoding());
  if (c.days_star || c.weekdays_star) return dom && dow;
  return dom || dow;
}

}  // namespace

Result<CronExpression> ParseCron(std::string_view text) {
  std::vector<std::string_view> fields;
  for (size_t pos = 0; pos < text.size();) {
    if (std::isspace(static_cast<unsigned char>(text[pos]))) {
      ++pos;
      continue;
    }
    size_t end = pos;
    while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end]))) ++end;
    fields.push_back(text.substr(pos, end - pos));
    pos = end;
  }
  if (fields.size() != 5) {
    return Status::InvalidArgument(
        "a cron expression has 5 fields (minute hour day-of-month month day-of-week), not " +
        std::to_string(fields.size()));
  }
  CronExpression c;
  ARBOR_RETURN_IF_ERROR(ParseField(kMinute, fields[0], c.minutes));
  ARBOR_RETURN_IF_ERROR(ParseField(kHour, fields[1], c.hours));
  ARBOR_RETURN_IF_ERROR(ParseField(kDayOfMonth, fields[2], c.days));
  ARBOR_RETURN_IF_ERROR(ParseField(kMonth, fields[3], c.months));
  std::bitset<8> weekdays;
  ARBOR_RETURN_IF_ERROR(ParseField(kDayOfWeek, fields[4], weekdays));
  for (size_t d = 0; d < 7; ++d) c.weekdays.set(d, weekdays.test(d) || (d == 0 && weekdays.test(7)));
  c.days_star = fields[2].front() == '*';
  c.weekdays_star = fields[4].front() == '*';
  for (size_t i = 0; i < fields.size(); ++i) c.text += (i ? " " : "") + std::string(fields[i]);
  if (!NextCronTime(c, 0)) {
    return Status::InvalidArgument("cron day-of-month: '" + std::string(fields[2]) +
                                   "' never occurs in month '" + std::string(fields[3]) + "'");
  }
  return c;
}

std::optional<int64_t> NextCronTime(const CronExpression& cron, int64_t after_ms) {
  using std::chrono::days;
  using std::chrono::sys_days;
  // Whole minutes since the epoch, the first one strictly after `after_ms`.
  int64_t first = (after_ms >= 0 ? after_ms / kMinuteMs : (after_ms - kMinuteMs + 1) / kMinuteMs) + 1;
  int64_t day = first >= 0 ? first / kMinutesPerDay : (first - kMinutesPerDay + 1) / kMinutesPerDay;
  int from = static_cast<int>(first - day * kMinutesPerDay);  // minute of that day
  for (int i = 0; i < kSearchDays; ++i, ++day, from = 0) {
    sys_days date{days(day)};
    std::chrono::year_month_day ymd{date};
    if (!cron.months.test(static_cast<unsigned>(ymd.month())) ||
        !DayMatches(cron, ymd, std::chrono::weekday{date}))
      continue;
    for (int m = from; m < kMinutesPerDay; ++m) {
      if (cron.hours.test(static_cast<size_t>(m / 60)) && cron.minutes.test(static_cast<size_t>(m % 60)))
        return (day * kMinutesPerDay + m) * kMinuteMs;
    }
  }
  return std::nullopt;
}

}  // namespace arbor::jobs
