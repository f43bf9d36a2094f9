#include "jobs/interval.h"

#include <array>
#include <cctype>
#include <utility>

namespace arbor::jobs {
namespace {

constexpr int64_t kSecond = 1000;
constexpr std::array<std::pair<char, int64_t>, 5> kUnits = {{
    {'w', 7 * 24 * 3600 * kSecond},
    {'d', 24 * 3600 * kSecond},
    {'h', 3600 * kSecond},
    {'m', 60 * kSecond},
    {'s', kSecond},
}};

int64_t UnitMs(char unit) {
  for (const auto& [u, ms] : kUnits) {
    if (u == unit) return ms;
  }
  return 0;
}

}  // namespace

Result<std::chrono::milliseconds> ParseInterval(std::string_view text) {
  const Status bad = Status::InvalidArgument("interval '" + std::string(text) +
                                             "' is not like 24h, 90m, 1h30m, 7d (units s, m, h, d, w)");
  if (text.substr(0, 6) == "every ") text.remove_prefix(6);
  if (text.empty()) return bad;
  int64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    int64_t n = 0;
    size_t digits = 0;
    for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) && digits < 9;
         ++i, ++digits) {
      n = n * 10 + (text[i] - '0');
    }
    if (digits == 0 || i >= text.size() || UnitMs(text[i]) == 0) return bad;
    total += n * UnitMs(text[i++]);
  }
  if (total < kSecond)
    return Status::InvalidArgument("interval '" + std::string(text) + "' is shorter than 1s");
  return std::chrono::milliseconds(total);
}

std::string FormatInterval(std::chrono::milliseconds interval) {
  int64_t left = interval.count();
  std::string out;
  for (const auto& [unit, ms] : kUnits) {
    if (left >= ms) {
      out += std::to_string(left / ms) + unit;
      left %= ms;
    }
  }
  if (left > 0 || out.empty()) out += std::to_string(left) + "ms";
  return out;
}

}  // namespace arbor::jobs
