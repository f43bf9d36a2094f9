#include "restorer/include_paths.h"

namespace arbor {

Wanted Want(const std::vector<std::string>& includes, const std::string& path) {
  if (includes.empty()) return Wanted::kYes;
  Wanted best = Wanted::kNo;
  for (const auto& inc : includes) {
    // "/" holds everything (a backup of /): no path continues it with a '/' of its own.
    if (inc == "/" || path == inc ||
        (path.size() > inc.size() && path.rfind(inc, 0) == 0 && path[inc.size()] == '/')) {
      return Wanted::kYes;
    }
    if (inc.size() > path.size() && inc.rfind(path, 0) == 0 && (path == "/" || inc[path.size()] == '/')) {
      best = Wanted::kOnTheWay;
    }
  }
  return best;
}

}  // namespace arbor
