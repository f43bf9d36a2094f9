#include "mount/mount_point.h"

#include <dirent.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <cerrno>
#include <cstring>

namespace arbor {

namespace {
Status Stale(const std::string& path) {
  return Status::Unavailable("mount point " + path +
                             " is a stale FUSE mount: the process that served it ended without unmounting "
                             "(killed?). Clear it with `fusermount3 -u " +
                             path + "` and mount again");
}
}  // namespace

Status CheckMountPoint(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    int err = errno;
    if (err == ENOENT) {
      return Status::NotFound("mount point " + path + " does not exist (create it: mkdir " + path + ")");
    }
    if (err == ENOTCONN) return Stale(path);
    return Status::FromErrno(err, "mount point " + path);
  }
  // The kernel may answer stat from its cache for a dead FUSE mount; statfs always asks
  // the file system, and a dead one answers ENOTCONN.
  struct statfs fs {};
  if (::statfs(path.c_str(), &fs) != 0 && errno == ENOTCONN) return Stale(path);
  if (!S_ISDIR(st.st_mode)) return Status::InvalidArgument("mount point " + path + " is not a directory");
  struct stat parent {};
  if (::stat((path + "/..").c_str(), &parent) != 0)
    return Status::FromErrno(errno, "parent of mount point " + path);
  // A mount point's device differs from its parent's (or it is the root itself).
  if (parent.st_dev != st.st_dev || parent.st_ino == st.st_ino) {
    return Status::Busy("mount point " + path +
                        " is busy: something is already mounted there (unmount it first: "
                        "fusermount3 -u " +
                        path + ")");
  }
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) return Status::FromErrno(errno, "opening mount point " + path);
  bool empty = true;
  while (dirent* e = ::readdir(dir)) {
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) {
      empty = false;
      break;
    }
  }
  ::closedir(dir);
  if (!empty)
    return Status::InvalidArgument("mount point " + path + " is not empty: mount on an empty directory");
  return Status::Ok();
}

}  // namespace arbor
