#include "support/deep_tree.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>

namespace arbor::testing {

std::string DeepName(int level) {
  std::string prefix = "level" + std::to_string(level) + "-";
  return prefix + std::string(250 - prefix.size(), 'n');
}

std::string DeepPath(int levels) {
  std::string path;
  for (int level = 0; level < levels; ++level) path += "/" + DeepName(level);
  return path;
}

UniqueFd OpenDeepTree(const std::string& root, bool make, int levels) {
  UniqueFd dir(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  for (int level = 0; level < levels && dir.valid(); ++level) {
    std::string name = DeepName(level);
    if (make && ::mkdirat(dir.get(), name.c_str(), 0755) != 0 && errno != EEXIST) return UniqueFd();
    dir = UniqueFd(::openat(dir.get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  }
  return dir;
}

}  // namespace arbor::testing
