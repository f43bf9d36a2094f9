#include "cli/option_values.h"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>

namespace arbor::cli {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

Result<std::vector<std::string>> ReadLines(const std::string& file, bool verbatim) {
  std::ifstream in;
  std::istream* stream = &std::cin;
  if (file != "-") {
    in.open(file);
    if (!in) return Status::NotFound("cannot read " + file + ": " + std::strerror(errno));
    stream = &in;
  }
  std::vector<std::string> out;
  std::string line;
  while (std::getline(*stream, line)) {
    if (verbatim) {
      if (!line.empty()) out.push_back(line);
      continue;
    }
    std::string_view t = Trim(line);
    if (t.empty() || t.front() == '#') continue;
    out.emplace_back(t);
  }
  if (stream->bad()) return Status::IOError("reading " + file + " failed");
  return out;
}

}  // namespace

Result<std::vector<std::string>> ReadPatternFile(const std::string& file) { return ReadLines(file, false); }

Result<std::vector<std::string>> ReadPathList(const std::string& file, bool verbatim) {
  return ReadLines(file, verbatim);
}

Result<uint64_t> ParseByteSize(std::string_view text) {
  std::string s(Trim(text));
  auto bad = [&] {
    return Status::InvalidArgument("'" + std::string(text) +
                                   "' is not a size (e.g. 4096, 512K, 1.5M, 2G, 1T)");
  };
  if (s.empty()) return bad();
  char* end = nullptr;
  errno = 0;
  double value = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || errno != 0 || !(value >= 0) || std::isinf(value)) return bad();
  std::string unit(Trim(end));
  for (auto& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (unit.ends_with("IB"))
    unit.resize(unit.size() - 2);
  else if (unit.size() > 1 && unit.ends_with("B"))
    unit.resize(unit.size() - 1);
  static const std::string kUnits = "KMGTP";
  double scale = 1;
  if (unit == "B" || unit.empty()) {
    scale = 1;
  } else if (unit.size() == 1 && kUnits.find(unit[0]) != std::string::npos) {
    scale = std::ldexp(1.0, 10 * static_cast<int>(kUnits.find(unit[0]) + 1));
  } else {
    return bad();
  }
  double bytes = value * scale;
  if (bytes >= 18446744073709551615.0) return bad();
  return static_cast<uint64_t>(bytes);
}

Result<int64_t> ParseDuration(std::string_view text) {
  constexpr int64_t kHour = 3600LL * 1000000000LL;
  auto bad = [&] {
    return Status::InvalidArgument("'" + std::string(text) + "' is not a duration (e.g. 30d, 12h, 2w, 1y6m)");
  };
  std::string_view s = Trim(text);
  if (s.empty()) return bad();
  int64_t total = 0;
  while (!s.empty()) {
    int64_t n = 0;
    size_t digits = 0;
    while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9' && digits < 6)
      n = n * 10 + (s[digits++] - '0');
    if (digits == 0 || digits == s.size()) return bad();
    int64_t unit = 0;
    switch (s[digits]) {
      case 'y':
        unit = int64_t{365} * 24 * kHour;
        break;
      case 'm':
        unit = int64_t{30} * 24 * kHour;
        break;
      case 'w':
        unit = int64_t{7} * 24 * kHour;
        break;
      case 'd':
        unit = 24 * kHour;
        break;
      case 'h':
        unit = kHour;
        break;
      default:
        return bad();
    }
    total += n * unit;
    s.remove_prefix(digits + 1);
  }
  if (total == 0) return bad();
  return total;
}

Result<int64_t> ParseLocalTime(std::string_view text) {
  std::string s(Trim(text));
  if (s.size() > 10 && s[10] == 'T') s[10] = ' ';
  tm parts{};
  const char* end = ::strptime(s.c_str(), "%Y-%m-%d %H:%M:%S", &parts);
  if (end == nullptr || *end != '\0') {
    return Status::InvalidArgument("'" + std::string(text) +
                                   "' is not a time (YYYY-MM-DD HH:MM:SS, local time)");
  }
  parts.tm_isdst = -1;  // let the zone's rules decide
  time_t t = ::mktime(&parts);
  if (t == static_cast<time_t>(-1))
    return Status::InvalidArgument("'" + std::string(text) + "' is not a valid time");
  return static_cast<int64_t>(t) * 1000000000;
}

}  // namespace arbor::cli
