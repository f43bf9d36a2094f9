// Human intervals for schedules: "24h", "90m", "1h30m", "7d", "2w", "45s".
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "base/status.h"

namespace arbor::jobs {

// Sums number+unit pairs (units s, m, h, d, w); an optional leading "every " is ignored.
// InvalidArgument for anything else, or for a total under one second.
Result<std::chrono::milliseconds> ParseInterval(std::string_view text);
// The inverse, in the largest units that divide it: 90 min -> "1h30m".
std::string FormatInterval(std::chrono::milliseconds interval);

}  // namespace arbor::jobs
