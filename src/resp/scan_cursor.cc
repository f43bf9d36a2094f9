#include "resp/scan_cursor.h"

#include <algorithm>

#include "resp/command_table.h"

namespace arbor::resp {

Result<ScanRequest> ParseScan(const Args& args, size_t first, bool allow_type) {
  ScanRequest r;
  auto cursor = ParseInteger(args[first]);
  if (!cursor.ok() || *cursor < 0) return Status::InvalidArgument("invalid cursor");
  r.cursor = static_cast<uint64_t>(*cursor);
  for (size_t i = first + 1; i < args.size(); i += 2) {
    if (i + 1 >= args.size()) return Status::InvalidArgument("syntax error");
    std::string opt = Upper(args[i]);
    if (opt == "MATCH") {
      r.match = args[i + 1] == "*" ? "" : args[i + 1];
    } else if (opt == "COUNT") {
      ARBOR_ASSIGN_OR_RETURN(int64_t n, ParseInteger(args[i + 1]));
      if (n < 1) return Status::InvalidArgument("syntax error");
      r.count = static_cast<uint64_t>(n);
    } else if (opt == "TYPE" && allow_type) {
      r.type = args[i + 1];
    } else {
      return Status::InvalidArgument("syntax error");
    }
  }
  return r;
}

bool GlobMatch(std::string_view p, std::string_view s) {
  size_t pi = 0, si = 0;
  size_t star_p = std::string_view::npos, star_s = 0;
  while (si < s.size()) {
    if (pi < p.size()) {
      char c = p[pi];
      if (c == '*') {
        star_p = pi++;
        star_s = si;
        continue;
      }
      if (c == '?') {
        ++pi;
        ++si;
        continue;
      }
      if (c == '[') {
        size_t j = pi + 1;
        bool negate = j < p.size() && p[j] == '^';
        if (negate) ++j;
        bool hit = false;
        while (j < p.size() && p[j] != ']') {
          if (p[j] == '\\' && j + 1 < p.size()) {
            hit = hit || p[j + 1] == s[si];
            j += 2;
          } else if (j + 2 < p.size() && p[j + 1] == '-' && p[j + 2] != ']') {
            char lo = std::min(p[j], p[j + 2]), hi = std::max(p[j], p[j + 2]);
            hit = hit || (s[si] >= lo && s[si] <= hi);
            j += 3;
          } else {
            hit = hit || p[j] == s[si];
            ++j;
          }
        }
        if (j < p.size() && hit != negate) {
          pi = j + 1;
          ++si;
          continue;
        }
      } else {
        if (c == '\\' && pi + 1 < p.size()) c = p[++pi];
        if (c == s[si]) {
          ++pi;
          ++si;
          continue;
        }
      }
    }
    if (star_p == std::string_view::npos) return false;
    pi = star_p + 1;
    si = ++star_s;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

Status ScanPage(const ScanRequest& r, const EntryWalk& walk,
                std::vector<std::pair<std::string, std::string>>* page, uint64_t* next,
                const std::function<bool(std::string_view name)>& keep) {
  uint64_t seen = 0;
  bool more = false;
  ARBOR_RETURN_IF_ERROR(walk([&](std::string_view name, std::string_view value) {
    if (seen >= r.cursor + r.count) {
      more = true;
      return false;
    }
    if (seen++ < r.cursor) return true;
    if ((r.match.empty() || GlobMatch(r.match, name)) && (!keep || keep(name))) {
      page->emplace_back(std::string(name), std::string(value));
    }
    return true;
  }));
  *next = more ? seen : 0;
  return Status::Ok();
}

}  // namespace arbor::resp
