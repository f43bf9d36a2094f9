#include "source/posix_source.h"

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "base/file_util.h"
#include "repo/tree_codec.h"

namespace arbor {
namespace {

NodeKind KindOf(mode_t mode) {
  if (S_ISDIR(mode)) return NodeKind::kDirectory;
  if (S_ISLNK(mode)) return NodeKind::kSymlink;
  if (S_ISFIFO(mode)) return NodeKind::kFifo;
  if (S_ISSOCK(mode)) return NodeKind::kSocket;
  if (S_ISCHR(mode)) return NodeKind::kCharDevice;
  if (S_ISBLK(mode)) return NodeKind::kBlockDevice;
  return NodeKind::kFile;
}

int64_t Ns(const timespec& ts) { return ts.tv_sec * 1000000000LL + ts.tv_nsec; }

std::string Join(const std::string& dir, const std::string& name) {
  return dir == "/" ? "/" + name : dir + "/" + name;
}

Status ReadLink(int dirfd, const char* name, const std::string& path, Node* node) {
  std::string target(static_cast<size_t>(node->size > 0 ? node->size : 256) + 1, '\0');
  ssize_t n = ::readlinkat(dirfd, name, target.data(), target.size());
  if (n < 0) return Status::FromErrno(errno, "readlink " + path);
  target.resize(static_cast<size_t>(n));
  node->symlink_target = std::move(target);
  return Status::Ok();
}

class PosixFileReader final : public FileReader {
 public:
  PosixFileReader(UniqueFd fd, uint64_t size, bool maybe_sparse)
      : fd_(std::move(fd)), size_(size), maybe_sparse_(maybe_sparse) {}

  Result<std::vector<Extent>> DataExtents() override {
    if (!maybe_sparse_ || size_ == 0) return std::vector<Extent>{{0, size_}};
    std::vector<Extent> out;
    off_t pos = 0;
    while (static_cast<uint64_t>(pos) < size_) {
      off_t data = ::lseek(fd_.get(), pos, SEEK_DATA);
      if (data < 0) {
        if (errno == ENXIO) break;  // only a hole remains
        return std::vector<Extent>{{0, size_}};  // no SEEK_DATA support: read it all
      }
      off_t hole = ::lseek(fd_.get(), data, SEEK_HOLE);
      if (hole < 0) hole = static_cast<off_t>(size_);
      out.push_back({static_cast<uint64_t>(data), static_cast<uint64_t>(hole - data)});
      pos = hole;
    }
    return out;
  }

  Result<size_t> ReadAt(uint64_t offset, char* buf, size_t len) override {
    while (true) {
      ssize_t n = ::pread(fd_.get(), buf, len, static_cast<off_t>(offset));
      if (n >= 0) return static_cast<size_t>(n);
      if (errno != EINTR) return Status::FromErrno(errno, "read");
    }
  }

 private:
  UniqueFd fd_;
  uint64_t size_;
  bool maybe_sparse_;
};

}  // namespace

void NodeFromStat(const struct stat& st, Node* node) {
  node->kind = KindOf(st.st_mode);
  node->mode = st.st_mode & 07777;
  node->uid = st.st_uid;
  node->gid = st.st_gid;
  node->size = node->kind == NodeKind::kDirectory ? 0 : static_cast<uint64_t>(st.st_size);
  node->mtime_ns = Ns(st.st_mtim);
  node->atime_ns = Ns(st.st_atim);
  node->ctime_ns = Ns(st.st_ctim);
  node->inode = st.st_ino;
  node->device = st.st_dev;
  node->nlink = st.st_nlink;
  node->rdev = (node->kind == NodeKind::kCharDevice || node->kind == NodeKind::kBlockDevice) ? st.st_rdev : 0;
  // The file id follows the inode: stable across renames within the file system.
  node->file_id = (static_cast<uint64_t>(st.st_dev) << 40) ^ st.st_ino;
  node->hardlink_group = (node->kind == NodeKind::kFile && st.st_nlink > 1) ? node->file_id : 0;
}

void PosixSource::FillOwnerNames(Node* node) {
  std::lock_guard lock(names_mu_);
  auto u = users_.find(node->uid);
  if (u == users_.end()) {
    passwd* pw = ::getpwuid(node->uid);
    u = users_.emplace(node->uid, pw ? pw->pw_name : "").first;
  }
  auto g = groups_.find(node->gid);
  if (g == groups_.end()) {
    group* gr = ::getgrgid(node->gid);
    g = groups_.emplace(node->gid, gr ? gr->gr_name : "").first;
  }
  node->user = u->second;
  node->group = g->second;
}

Result<Node> PosixSource::Stat(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return Status::FromErrno(errno, "stat " + path);
  Node node;
  auto slash = path.find_last_of('/');
  node.name = slash == std::string::npos ? path : path.substr(slash + 1);
  NodeFromStat(st, &node);
  FillOwnerNames(&node);
  if (node.kind == NodeKind::kSymlink) ARBOR_RETURN_IF_ERROR(ReadLink(AT_FDCWD, path.c_str(), path, &node));
  return node;
}

Status PosixSource::List(const std::string& dir, std::vector<Node>* children, std::vector<Status>* warnings) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return Status::FromErrno(errno, "opening directory " + dir);
  DIR* d = ::fdopendir(fd);
  if (d == nullptr) {
    ::close(fd);
    return Status::FromErrno(errno, "reading directory " + dir);
  }
  errno = 0;
  while (dirent* e = ::readdir(d)) {
    std::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    struct stat st {};
    if (::fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno != ENOENT) warnings->push_back(Status::FromErrno(errno, "stat " + Join(dir, e->d_name)));
      continue;  // ENOENT: deleted while we looked
    }
    Node node;
    node.name = std::string(name);
    NodeFromStat(st, &node);
    FillOwnerNames(&node);
    if (node.kind == NodeKind::kSymlink) {
      Status st_link = ReadLink(fd, e->d_name, Join(dir, e->d_name), &node);
      if (!st_link.ok()) {
        warnings->push_back(st_link);
        continue;
      }
    }
    children->push_back(std::move(node));
  }
  int err = errno;
  ::closedir(d);
  if (err != 0) return Status::FromErrno(err, "reading directory " + dir);
  SortNodes(children);
  return Status::Ok();
}

Status PosixSource::LoadExtended(const std::string& path, Node* node) {
  node->xattrs.clear();
  ssize_t len = ::llistxattr(path.c_str(), nullptr, 0);
  if (len < 0) {
    if (errno == ENOTSUP || errno == ENODATA) return Status::Ok();
    return Status::FromErrno(errno, "listing xattrs of " + path);
  }
  std::string names(static_cast<size_t>(len), '\0');
  len = ::llistxattr(path.c_str(), names.data(), names.size());
  if (len < 0) return Status::FromErrno(errno, "listing xattrs of " + path);
  names.resize(static_cast<size_t>(len));
  for (size_t pos = 0; pos < names.size();) {
    std::string name(names.c_str() + pos);
    pos += name.size() + 1;
    ssize_t vlen = ::lgetxattr(path.c_str(), name.c_str(), nullptr, 0);
    if (vlen < 0) continue;  // removed meanwhile
    std::string value(static_cast<size_t>(vlen), '\0');
    vlen = ::lgetxattr(path.c_str(), name.c_str(), value.data(), value.size());
    if (vlen < 0) continue;
    value.resize(static_cast<size_t>(vlen));
    node->xattrs.emplace_back(std::move(name), std::move(value));
  }
  std::sort(node->xattrs.begin(), node->xattrs.end());
  return Status::Ok();
}

Result<std::unique_ptr<FileReader>> PosixSource::Open(const std::string& path, const Node& node) {
  // O_NOATIME keeps a backup from touching atimes; it is refused for files we do
  // not own unless we are root, so fall back without it.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOATIME);
  if (fd < 0 && errno == EPERM) fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return Status::FromErrno(errno, "opening " + path);
  struct stat st {};
  bool maybe_sparse = false;
  if (::fstat(fd, &st) == 0) {
    maybe_sparse = static_cast<uint64_t>(st.st_blocks) * 512 < static_cast<uint64_t>(st.st_size);
  }
  return std::unique_ptr<FileReader>(std::make_unique<PosixFileReader>(UniqueFd(fd), node.size, maybe_sparse));
}

}  // namespace arbor
