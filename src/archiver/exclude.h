// Exclude patterns for backup (--exclude): shell globs (fnmatch). A pattern with a
// '/' is matched against the whole path, one without against the entry's name, so
// "*.tmp" excludes every .tmp file and "/home/*/cache" excludes those folders.
#pragma once

#include <string>
#include <vector>

namespace arbor {

class ExcludeMatcher {
 public:
  explicit ExcludeMatcher(std::vector<std::string> patterns) : patterns_(std::move(patterns)) {}
  bool Excluded(const std::string& path, const std::string& name) const;
  bool empty() const { return patterns_.empty(); }

 private:
  std::vector<std::string> patterns_;
};

}  // namespace arbor
