#include "store/remote_staging.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace arbor {

Result<std::string> RemoteStagingDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string dir = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/arbor-staging-" +
                    std::to_string(::getuid());
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return Status::FromErrno(errno, "creating " + dir);
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) return Status::FromErrno(errno, "stat " + dir);
  if (!S_ISDIR(st.st_mode) || st.st_uid != ::getuid() || (st.st_mode & 077) != 0) {
    return Status::PermissionDenied("staging directory " + dir +
                                    " is not a directory of this user closed to others (mode 0700); "
                                    "remove it or set TMPDIR elsewhere");
  }
  return dir;
}

}  // namespace arbor
