#include "shares/posix_target.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <random>

#include "base/file_util.h"
#include "base/hex.h"

namespace arbor {
namespace {

constexpr std::string_view kTempMarker = ".arbor-tmp-";
constexpr size_t kTempRandomBytes = 8;
constexpr int kTempAttempts = 8;

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

// ".<name>.arbor-tmp-<16 hex digits>", with `name` cut so that the whole fits NAME_MAX.
std::string TempName(const std::string& name) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  uint64_t r = rng();
  std::string random = ToHex(std::string_view(reinterpret_cast<const char*>(&r), kTempRandomBytes));
  size_t room = NAME_MAX - 1 - kTempMarker.size() - random.size();
  return "." + name.substr(0, std::min(name.size(), room)) + std::string(kTempMarker) + random;
}

// The permission bits a file created now keeps (~umask & 0777), read from
// /proc/self/status: umask(2) can only be read by setting it, which would race with
// the other threads creating files. 0 when unknown, so that every mode is set by fchmod.
// (Read line by line: /proc files report a size of 0.)
mode_t CreationMask() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Umask:", 0) != 0) continue;
    unsigned long umask = std::strtoul(line.c_str() + 6, nullptr, 8);
    return static_cast<mode_t>(~umask & 0777);
  }
  return 0;
}

}  // namespace

PosixTarget::PosixTarget(std::string root)
    : root_(root), as_root_(::geteuid() == 0), creation_mask_(CreationMask()), resolver_(std::move(root)) {}

void PosixTarget::Warn(const Status& st) {
  std::lock_guard lock(mu_);
  warnings_.push_back(st.message());
}

std::vector<std::string> PosixTarget::TakeWarnings() {
  std::lock_guard lock(mu_);
  return std::move(warnings_);
}

Status PosixTarget::MakeDirectory(const std::string& path, const Node& /*node*/) {
  if (path == "/") return MakeDirs(root_);
  std::string local = Local(path);
  ARBOR_ASSIGN_OR_RETURN(auto parent, resolver_.OpenParent(path));
  int dirfd = parent.first->get();
  const char* name = parent.second.c_str();
  if (::mkdirat(dirfd, name, 0700) != 0 && errno != EEXIST) {
    return Status::FromErrno(errno, "creating directory " + local);
  }
  struct stat st {};
  if (::fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode)) {
    return Status::AlreadyExists(local + " exists and is not a directory; not restoring into it");
  }
  return Status::Ok();
}

Status PosixTarget::WriteFile(const std::string& path, const Node& node, const ContentProducer& content) {
  ARBOR_ASSIGN_OR_RETURN(auto parent, resolver_.OpenParent(path));
  return WriteFileAt(parent.first->get(), parent.second, Local(path), node, content);
}

// The files of one directory through one handle, opened and checked once.
class PosixTarget::Files final : public DirectoryFiles {
 public:
  Files(PosixTarget* target, DirResolver::Handle dir, std::string path)
      : target_(target), dir_(std::move(dir)), path_(std::move(path)) {}

  Status Write(const std::string& name, const Node& node, const ContentProducer& content) override {
    std::string path = JoinPath(path_, name);
    // The name comes from a snapshot, which may be hostile: one entry, never a path.
    if (!IsPlainName(name)) {
      return Status::InvalidArgument("path '" + path + "' has an empty, '.', '..' or NUL name");
    }
    return target_->WriteFileAt(dir_->get(), name, target_->Local(path), node, content);
  }

 private:
  PosixTarget* target_;
  DirResolver::Handle dir_;
  std::string path_;
};

Result<std::unique_ptr<DirectoryFiles>> PosixTarget::OpenFiles(const std::string& dir) {
  ARBOR_ASSIGN_OR_RETURN(DirResolver::Handle handle, resolver_.OpenDir(dir));
  return std::unique_ptr<DirectoryFiles>(std::make_unique<Files>(this, std::move(handle), dir));
}

Status PosixTarget::WriteFileAt(int dirfd, const std::string& name, const std::string& local,
                                const Node& node, const ContentProducer& content) {
  // Created with its final permission bits when the umask leaves them as they are and
  // there are no setuid/setgid/sticky bits: then no fchmod is needed (one syscall per
  // file on a restore of small files). Otherwise created private and set at the end.
  mode_t bits = node.mode & 0777;
  bool final_mode = (node.mode & 07000) == 0 && (bits & creation_mask_) == bits;
  std::string temp;
  UniqueFd fd;
  for (int attempt = 0; attempt < kTempAttempts && !fd.valid(); ++attempt) {
    temp = TempName(name);
    fd.reset(::openat(dirfd, temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                      final_mode ? bits : 0600));
    if (!fd.valid() && errno != EEXIST) break;
  }
  if (!fd.valid()) return Status::FromErrno(errno, "creating a temporary file for " + local);
  Status st = FillFile(fd.get(), local, node, content, /*mode_set=*/final_mode);
  fd.reset();
  // rename never follows a symlink at `name`: it replaces the link itself.
  if (st.ok() && ::renameat(dirfd, temp.c_str(), dirfd, name.c_str()) != 0) {
    st = Status::FromErrno(errno, "renaming the temporary file onto " + local);
  }
  if (!st.ok()) ::unlinkat(dirfd, temp.c_str(), 0);
  return st;
}

Status PosixTarget::FillFile(int fd, const std::string& local, const Node& node,
                             const ContentProducer& content, bool mode_set) {
  uint64_t end = 0;  // the file is new (O_EXCL): its size is where the last write ended
  ARBOR_RETURN_IF_ERROR(content([&](uint64_t offset, std::string_view data) {
    end = std::max<uint64_t>(end, offset + data.size());
    return PwriteFull(fd, data, offset, local);
  }));
  // Only a file that ends in a hole (or is empty past its data) needs its size set: one
  // syscall per file saved on a restore of small files (docs/benchmarks.md).
  if (end != node.size && ::ftruncate(fd, static_cast<off_t>(node.size)) != 0) {
    return Status::FromErrno(errno, "setting size of " + local);
  }
  ApplyMetadata(fd, local, node, mode_set);
  return Status::Ok();
}

Status PosixTarget::MakeSpecial(const std::string& path, const Node& node) {
  std::string local = Local(path);
  ARBOR_ASSIGN_OR_RETURN(auto parent, resolver_.OpenParent(path));
  int dirfd = parent.first->get();
  const char* name = parent.second.c_str();
  ::unlinkat(dirfd, name, 0);
  int rc = 0;
  switch (node.kind) {
    case NodeKind::kSymlink:
      rc = ::symlinkat(node.symlink_target.c_str(), dirfd, name);
      break;
    case NodeKind::kFifo:
      rc = ::mkfifoat(dirfd, name, 0600);
      break;
    case NodeKind::kCharDevice:
    case NodeKind::kBlockDevice:
      rc = ::mknodat(dirfd, name, (node.kind == NodeKind::kCharDevice ? S_IFCHR : S_IFBLK) | 0600,
                     static_cast<dev_t>(node.rdev));
      break;
    default:
      return Status::Ok();  // sockets are recorded, not recreated: only a live process owns one
  }
  if (rc != 0) return Status::FromErrno(errno, "creating " + local);
  ApplyMetadataAt(dirfd, parent.second, local, node);
  return Status::Ok();
}

Status PosixTarget::MakeHardLink(const std::string& path, const std::string& existing) {
  std::string local = Local(path);
  ARBOR_ASSIGN_OR_RETURN(auto to, resolver_.OpenParent(path));
  ARBOR_ASSIGN_OR_RETURN(auto from, resolver_.OpenParent(existing));
  ::unlinkat(to.first->get(), to.second.c_str(), 0);
  if (::linkat(from.first->get(), from.second.c_str(), to.first->get(), to.second.c_str(), 0) != 0) {
    return Status::FromErrno(errno, "linking " + local);
  }
  return Status::Ok();
}

Status PosixTarget::FinishDirectory(const std::string& path, const Node& node) {
  ARBOR_ASSIGN_OR_RETURN(DirResolver::Handle dir, resolver_.OpenDir(path));
  ApplyMetadata(dir->get(), Local(path), node);
  return Status::Ok();
}

Result<std::optional<Node>> PosixTarget::StatExisting(const std::string& path) {
  auto parent = resolver_.OpenParent(path);
  if (!parent.ok()) {
    if (parent.status().Is(StatusCode::kNotFound)) return std::optional<Node>();
    return parent.status();
  }
  struct stat st {};
  if (::fstatat(parent->first->get(), parent->second.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return std::optional<Node>();
    return Status::FromErrno(errno, "stat " + Local(path));
  }
  Node n;
  n.kind = S_ISREG(st.st_mode)   ? NodeKind::kFile
           : S_ISDIR(st.st_mode) ? NodeKind::kDirectory
                                 : NodeKind::kSymlink;
  n.size = static_cast<uint64_t>(st.st_size);
  n.mtime_ns = st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
  return std::optional<Node>(std::move(n));
}

// Owner, mode, xattrs, times, in the order that keeps each step from undoing the
// last (chown clears setuid bits, so mode comes after it).
void PosixTarget::ApplyMetadata(int fd, const std::string& local, const Node& node, bool mode_set) {
  if (as_root_ && ::fchown(fd, node.uid, node.gid) != 0) Warn(Status::FromErrno(errno, "chown " + local));
  if (!mode_set && ::fchmod(fd, node.mode) != 0) Warn(Status::FromErrno(errno, "chmod " + local));
  for (const auto& [name, value] : node.xattrs) {
    if (::fsetxattr(fd, name.c_str(), value.data(), value.size(), 0) != 0) {
      Warn(Status::FromErrno(errno, "setting xattr " + name + " on " + local));
    }
  }
  timespec times[2] = {ToTimespec(node.atime_ns), ToTimespec(node.mtime_ns)};
  if (::futimens(fd, times) != 0) Warn(Status::FromErrno(errno, "setting times of " + local));
}

// As ApplyMetadata, by name under an open directory and never following the entry:
// the *at calls with AT_SYMLINK_NOFOLLOW (glibc's fchmodat refuses a symlink rather
// than follow it), and xattrs through the directory's /proc/self/fd path.
void PosixTarget::ApplyMetadataAt(int dirfd, const std::string& name, const std::string& local,
                                  const Node& node) {
  bool link = node.kind == NodeKind::kSymlink;
  if (as_root_ && ::fchownat(dirfd, name.c_str(), node.uid, node.gid, AT_SYMLINK_NOFOLLOW) != 0) {
    Warn(Status::FromErrno(errno, "chown " + local));
  }
  if (!link && ::fchmodat(dirfd, name.c_str(), node.mode, AT_SYMLINK_NOFOLLOW) != 0) {
    Warn(Status::FromErrno(errno, "chmod " + local));
  }
  std::string where = FdEntryPath(dirfd, name);
  for (const auto& [key, value] : node.xattrs) {
    int rc = ::lsetxattr(where.c_str(), key.c_str(), value.data(), value.size(), 0);
    // user.* xattrs are not allowed on symlinks (EPERM): a link's xattrs are best effort.
    if (rc != 0 && !(link && errno == EPERM))
      Warn(Status::FromErrno(errno, "setting xattr " + key + " on " + local));
  }
  timespec times[2] = {ToTimespec(node.atime_ns), ToTimespec(node.mtime_ns)};
  if (::utimensat(dirfd, name.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) {
    Warn(Status::FromErrno(errno, "setting times of " + local));
  }
}

}  // namespace arbor
