// The values options take, as restic users write them: pattern files (--exclude-file),
// path lists (--files-from[-verbatim]), sizes (--exclude-larger-than 2G), durations
// (forget --keep-within 30d) and times (backup --time). Pure parsing, kept apart from
// the commands so that it is unit-tested.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace arbor::cli {

// Patterns, one per line: surrounding blanks trimmed, empty lines and lines starting
// with '#' skipped (restic's --exclude-file).
Result<std::vector<std::string>> ReadPatternFile(const std::string& file);

// Paths to back up, one per line. Not verbatim: trimmed, empty and '#' lines skipped
// (--files-from). Verbatim: every line as it is, only empty lines skipped, so names may
// begin with '#' or blanks (--files-from-verbatim). "-" reads standard input.
Result<std::vector<std::string>> ReadPathList(const std::string& file, bool verbatim);

// "4096", "512K", "1.5M", "2G", "1T" (binary units, optional B/iB suffix, any case).
Result<uint64_t> ParseByteSize(std::string_view text);

// "30d", "12h", "2w", "1y6m" (y = 365 days, m = 30 days, w, d, h; forget --keep-within)
// -> nanoseconds.
Result<int64_t> ParseDuration(std::string_view text);

// "YYYY-MM-DD HH:MM:SS" (or with a 'T') in the local time zone -> ns since the epoch.
Result<int64_t> ParseLocalTime(std::string_view text);

}  // namespace arbor::cli
