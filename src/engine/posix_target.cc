#include "engine/posix_target.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "base/file_util.h"

namespace arbor {
namespace {

timespec ToTimespec(int64_t ns) {
  timespec ts{};
  ts.tv_sec = ns / 1000000000;
  ts.tv_nsec = ns % 1000000000;
  if (ts.tv_nsec < 0) {
    ts.tv_nsec += 1000000000;
    ts.tv_sec -= 1;
  }
  return ts;
}

Status PwriteFull(int fd, std::string_view data, uint64_t offset, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::pwrite(fd, data.data(), data.size(), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno(errno, "writing " + path);
    }
    data.remove_prefix(static_cast<size_t>(n));
    offset += static_cast<uint64_t>(n);
  }
  return Status::Ok();
}

}  // namespace

PosixTarget::PosixTarget(std::string root) : root_(std::move(root)), as_root_(::geteuid() == 0) {}

void PosixTarget::Warn(const Status& st) {
  std::lock_guard lock(mu_);
  warnings_.push_back(st.message());
}

std::vector<std::string> PosixTarget::TakeWarnings() {
  std::lock_guard lock(mu_);
  return std::move(warnings_);
}

Status PosixTarget::MakeDirectory(const std::string& path, const Node& /*node*/) {
  std::string local = Local(path);
  if (path == "/") return MakeDirs(local);
  if (::mkdir(local.c_str(), 0700) != 0 && errno != EEXIST) {
    return Status::FromErrno(errno, "creating directory " + local);
  }
  struct stat st {};
  if (::lstat(local.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return Status::AlreadyExists(local + " exists and is not a directory; not restoring into it");
  }
  return Status::Ok();
}

Status PosixTarget::WriteFile(const std::string& path, const Node& node, const ContentProducer& content) {
  std::string local = Local(path);
  ::unlink(local.c_str());  // replace whatever is there; never write through a symlink
  UniqueFd fd(::open(local.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd.valid()) return Status::FromErrno(errno, "creating " + local);
  ARBOR_RETURN_IF_ERROR(content([&](uint64_t offset, std::string_view data) {
    return PwriteFull(fd.get(), data, offset, local);
  }));
  if (::ftruncate(fd.get(), static_cast<off_t>(node.size)) != 0) {
    return Status::FromErrno(errno, "setting size of " + local);
  }
  ApplyMetadata(local, node, fd.get());
  return Status::Ok();
}

Status PosixTarget::MakeSpecial(const std::string& path, const Node& node) {
  std::string local = Local(path);
  ::unlink(local.c_str());
  int rc = 0;
  switch (node.kind) {
    case NodeKind::kSymlink: rc = ::symlink(node.symlink_target.c_str(), local.c_str()); break;
    case NodeKind::kFifo: rc = ::mkfifo(local.c_str(), 0600); break;
    case NodeKind::kCharDevice:
    case NodeKind::kBlockDevice:
      rc = ::mknod(local.c_str(), (node.kind == NodeKind::kCharDevice ? S_IFCHR : S_IFBLK) | 0600,
                   static_cast<dev_t>(node.rdev));
      break;
    default: return Status::Ok();  // sockets are recorded, not recreated: only a live process owns one
  }
  if (rc != 0) return Status::FromErrno(errno, "creating " + local);
  ApplyMetadata(local, node, -1);
  return Status::Ok();
}

Status PosixTarget::MakeHardLink(const std::string& path, const std::string& existing) {
  std::string local = Local(path);
  ::unlink(local.c_str());
  if (::link(Local(existing).c_str(), local.c_str()) != 0) return Status::FromErrno(errno, "linking " + local);
  return Status::Ok();
}

Status PosixTarget::FinishDirectory(const std::string& path, const Node& node) {
  ApplyMetadata(Local(path), node, -1);
  return Status::Ok();
}

Result<std::optional<Node>> PosixTarget::StatExisting(const std::string& path) {
  struct stat st {};
  if (::lstat(Local(path).c_str(), &st) != 0) {
    if (errno == ENOENT) return std::optional<Node>();
    return Status::FromErrno(errno, "stat " + Local(path));
  }
  Node n;
  n.kind = S_ISREG(st.st_mode) ? NodeKind::kFile : S_ISDIR(st.st_mode) ? NodeKind::kDirectory : NodeKind::kSymlink;
  n.size = static_cast<uint64_t>(st.st_size);
  n.mtime_ns = st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
  return std::optional<Node>(std::move(n));
}

// Owner, mode, xattrs, times, in the order that keeps each step from undoing the
// last (chown clears setuid bits, so mode comes after it). `fd` may be -1.
void PosixTarget::ApplyMetadata(const std::string& local, const Node& node, int fd) {
  bool link = node.kind == NodeKind::kSymlink;
  if (as_root_) {
    int rc = fd >= 0 ? ::fchown(fd, node.uid, node.gid) : ::lchown(local.c_str(), node.uid, node.gid);
    if (rc != 0) Warn(Status::FromErrno(errno, "chown " + local));
  }
  if (!link) {
    int rc = fd >= 0 ? ::fchmod(fd, node.mode) : ::chmod(local.c_str(), node.mode);
    if (rc != 0) Warn(Status::FromErrno(errno, "chmod " + local));
  }
  for (const auto& [name, value] : node.xattrs) {
    int rc = fd >= 0 ? ::fsetxattr(fd, name.c_str(), value.data(), value.size(), 0)
                     : ::lsetxattr(local.c_str(), name.c_str(), value.data(), value.size(), 0);
    if (rc != 0 && !(link && errno == EPERM)) Warn(Status::FromErrno(errno, "setting xattr " + name + " on " + local));
  }
  timespec times[2] = {ToTimespec(node.atime_ns), ToTimespec(node.mtime_ns)};
  int rc = fd >= 0 ? ::futimens(fd, times) : ::utimensat(AT_FDCWD, local.c_str(), times, AT_SYMLINK_NOFOLLOW);
  if (rc != 0) Warn(Status::FromErrno(errno, "setting times of " + local));
}

}  // namespace arbor
