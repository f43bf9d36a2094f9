#include "archiver/exclude.h"

#include <fnmatch.h>

namespace arbor {
namespace {

bool AnyMatches(const std::vector<std::string>& patterns, const std::string& path, const std::string& name,
                int flags) {
  for (const auto& p : patterns) {
    const std::string& subject = p.find('/') != std::string::npos ? path : name;
    if (::fnmatch(p.c_str(), subject.c_str(), flags) == 0) return true;
  }
  return false;
}

}  // namespace

bool ExcludeMatcher::Excluded(const std::string& path, const std::string& name) const {
  return AnyMatches(rules_.patterns, path, name, 0) || AnyMatches(rules_.ipatterns, path, name, FNM_CASEFOLD);
}

bool ExcludeMatcher::Excluded(const std::string& path, const Node& node) const {
  if (rules_.larger_than > 0 && node.kind == NodeKind::kFile && node.size > rules_.larger_than) return true;
  return Excluded(path, node.name);
}

}  // namespace arbor
