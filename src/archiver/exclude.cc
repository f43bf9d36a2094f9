#include "archiver/exclude.h"

#include <fnmatch.h>

namespace arbor {

bool ExcludeMatcher::Excluded(const std::string& path, const std::string& name) const {
  for (const auto& p : patterns_) {
    const std::string& subject = p.find('/') != std::string::npos ? path : name;
    if (::fnmatch(p.c_str(), subject.c_str(), 0) == 0) return true;
  }
  return false;
}

}  // namespace arbor
