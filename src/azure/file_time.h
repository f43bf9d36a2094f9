// Times on the Azure Files wire.
//
// SMB times (creation, last-write, change, last-access, share snapshot ids) are ISO 8601
// UTC with exactly 7 fractional digits ("2023-02-06T06:58:59.6799025Z", 100 ns ticks).
// HTTP dates (Last-Modified, Date, x-ms-date) are RFC 1123 ("Mon, 05 Jan 2026 10:00:00 GMT").
// FileTime holds 100 ns ticks since the Unix epoch, so it covers the SMB range (1601 on)
// exactly and converts to POSIX nanoseconds by multiplication.
// Pure functions; thread-safe.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace arbor::azure {

struct FileTime {
  static constexpr int64_t kTicksPerSecond = 10'000'000;
  int64_t ticks = 0;  // 100 ns units since 1970-01-01T00:00:00Z; negative before it

  static FileTime FromUnixNanos(int64_t ns) { return FileTime{ns / 100}; }
  static FileTime FromUnixSeconds(int64_t s) { return FileTime{s * kTicksPerSecond}; }
  static FileTime Now();
  // Saturates outside the int64 nanosecond range (years before 1678 or after 2261).
  int64_t UnixNanos() const;
  int64_t UnixSeconds() const;
  auto operator<=>(const FileTime&) const = default;
};

// "2023-02-06T06:58:59.6799025Z": always 7 fractional digits.
std::string FormatSmbTime(FileTime t);
// Accepts 0 to 7 fractional digits and a trailing 'Z'; InvalidArgument otherwise.
Result<FileTime> ParseSmbTime(std::string_view text);

// RFC 1123, always GMT; sub-second ticks are dropped.
std::string FormatHttpDate(FileTime t);
Result<FileTime> ParseHttpDate(std::string_view text);

// ISO 8601 without fractional seconds ("2026-01-05T10:00:00Z"), the SAS time format.
std::string FormatSasTime(FileTime t);

}  // namespace arbor::azure
