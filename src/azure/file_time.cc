#include "azure/file_time.h"

#include <array>
#include <chrono>
#include <cstdio>
#include <limits>

namespace arbor::azure {
namespace {

using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::year_month_day;

constexpr int64_t kSecondsPerDay = 86400;
constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<const char*, 7> kWeekdays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

struct Civil {
  int year = 1970;
  unsigned month = 1, day = 1;
  int64_t second_of_day = 0;
  int64_t sub_ticks = 0;  // 100 ns units within the second
};

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

Civil ToCivil(FileTime t) {
  int64_t seconds = FloorDiv(t.ticks, FileTime::kTicksPerSecond);
  Civil c;
  c.sub_ticks = t.ticks - seconds * FileTime::kTicksPerSecond;
  int64_t day_number = FloorDiv(seconds, kSecondsPerDay);
  c.second_of_day = seconds - day_number * kSecondsPerDay;
  year_month_day ymd{sys_days{days{day_number}}};
  c.year = static_cast<int>(ymd.year());
  c.month = static_cast<unsigned>(ymd.month());
  c.day = static_cast<unsigned>(ymd.day());
  return c;
}

Result<FileTime> FromCivil(const Civil& c) {
  year_month_day ymd{std::chrono::year{c.year}, std::chrono::month{c.month}, std::chrono::day{c.day}};
  if (!ymd.ok()) return Status::InvalidArgument("invalid calendar date");
  int64_t day_number = sys_days{ymd}.time_since_epoch().count();
  int64_t seconds = day_number * kSecondsPerDay + c.second_of_day;
  return FileTime{seconds * FileTime::kTicksPerSecond + c.sub_ticks};
}

// Reads exactly `n` decimal digits at `pos`.
bool ReadDigits(std::string_view s, size_t& pos, size_t n, int64_t* out) {
  if (pos + n > s.size()) return false;
  int64_t v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  pos += n;
  *out = v;
  return true;
}

bool Expect(std::string_view s, size_t& pos, std::string_view lit) {
  if (s.substr(pos, lit.size()) != lit) return false;
  pos += lit.size();
  return true;
}

bool ReadClock(std::string_view s, size_t& pos, Civil* c) {
  int64_t h = 0, m = 0, sec = 0;
  if (!ReadDigits(s, pos, 2, &h) || !Expect(s, pos, ":") || !ReadDigits(s, pos, 2, &m) ||
      !Expect(s, pos, ":") || !ReadDigits(s, pos, 2, &sec)) {
    return false;
  }
  if (h > 23 || m > 59 || sec > 59) return false;
  c->second_of_day = h * 3600 + m * 60 + sec;
  return true;
}

bool ReadFraction(std::string_view s, size_t& pos, int64_t* ticks) {
  *ticks = 0;
  if (pos >= s.size() || s[pos] != '.') return true;
  ++pos;
  size_t digits = 0;
  while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
    if (++digits > 7) return false;
    *ticks = *ticks * 10 + (s[pos++] - '0');
  }
  if (digits == 0) return false;
  for (size_t i = digits; i < 7; ++i) *ticks *= 10;
  return true;
}

}  // namespace

FileTime FileTime::Now() {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  return FromUnixNanos(ns.count());
}

int64_t FileTime::UnixNanos() const {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max() / 100;
  if (ticks > kMax) return std::numeric_limits<int64_t>::max();
  if (ticks < -kMax) return std::numeric_limits<int64_t>::min();
  return ticks * 100;
}

int64_t FileTime::UnixSeconds() const { return FloorDiv(ticks, kTicksPerSecond); }

std::string FormatSmbTime(FileTime t) {
  Civil c = ToCivil(t);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%07lldZ", c.year, c.month, c.day,
                static_cast<int>(c.second_of_day / 3600), static_cast<int>(c.second_of_day / 60 % 60),
                static_cast<int>(c.second_of_day % 60), static_cast<long long>(c.sub_ticks));
  return buf;
}

Result<FileTime> ParseSmbTime(std::string_view s) {
  size_t pos = 0;
  int64_t y = 0, mo = 0, d = 0;
  Civil c;
  bool ok = ReadDigits(s, pos, 4, &y) && Expect(s, pos, "-") && ReadDigits(s, pos, 2, &mo) &&
            Expect(s, pos, "-") && ReadDigits(s, pos, 2, &d) && Expect(s, pos, "T") &&
            ReadClock(s, pos, &c) && ReadFraction(s, pos, &c.sub_ticks) && Expect(s, pos, "Z") &&
            pos == s.size();
  if (!ok) return Status::InvalidArgument("not an ISO 8601 UTC time: '" + std::string(s.substr(0, 64)) + "'");
  c.year = static_cast<int>(y);
  c.month = static_cast<unsigned>(mo);
  c.day = static_cast<unsigned>(d);
  return FromCivil(c);
}

std::string FormatHttpDate(FileTime t) {
  Civil c = ToCivil(t);
  int64_t day_number = FloorDiv(t.UnixSeconds(), kSecondsPerDay);
  int weekday = static_cast<int>(((day_number % 7) + 7 + 4) % 7);  // 1970-01-01 was a Thursday
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d GMT", kWeekdays[weekday], c.day,
                kMonths[c.month - 1], c.year, static_cast<int>(c.second_of_day / 3600),
                static_cast<int>(c.second_of_day / 60 % 60), static_cast<int>(c.second_of_day % 60));
  return buf;
}

Result<FileTime> ParseHttpDate(std::string_view s) {
  auto bad = [&] { return Status::InvalidArgument("not an RFC 1123 date: '" + std::string(s.substr(0, 64)) + "'"); };
  if (s.size() != 29 || s.substr(3, 2) != ", " || s.substr(25) != " GMT") return bad();
  size_t pos = 5;
  int64_t d = 0, y = 0;
  Civil c;
  if (!ReadDigits(s, pos, 2, &d) || !Expect(s, pos, " ")) return bad();
  unsigned month = 0;
  for (unsigned i = 0; i < kMonths.size(); ++i) {
    if (s.substr(pos, 3) == kMonths[i]) month = i + 1;
  }
  pos += 3;
  if (month == 0 || !Expect(s, pos, " ") || !ReadDigits(s, pos, 4, &y) || !Expect(s, pos, " ") ||
      !ReadClock(s, pos, &c)) {
    return bad();
  }
  c.year = static_cast<int>(y);
  c.month = month;
  c.day = static_cast<unsigned>(d);
  return FromCivil(c);
}

std::string FormatSasTime(FileTime t) {
  std::string smb = FormatSmbTime(FileTime{t.UnixSeconds() * FileTime::kTicksPerSecond});
  return smb.substr(0, 19) + "Z";
}

}  // namespace arbor::azure
