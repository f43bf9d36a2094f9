#include "shares/posix_source.h"

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "base/file_util.h"

namespace arbor {
namespace {

constexpr int kDirFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
constexpr int kStatxFlags = AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_STATX_SYNC_AS_STAT;
constexpr unsigned kStatxMask = STATX_BASIC_STATS | STATX_BTIME;

int64_t Ns(const struct statx_timestamp& ts) { return ts.tv_sec * 1000000000LL + ts.tv_nsec; }

Status ReadLink(int dirfd, const std::string& name, const std::string& path, Node* node) {
  std::string target(static_cast<size_t>(node->size > 0 ? node->size : 256) + 1, '\0');
  ssize_t n = ::readlinkat(dirfd, name.c_str(), target.data(), target.size());
  if (n < 0) return Status::FromErrno(errno, "readlink " + path);
  target.resize(static_cast<size_t>(n));
  node->symlink_target = std::move(target);
  return Status::Ok();
}

// The entry a listing or Stat returned is reached through its cached directory without
// checking that directory is still at its path (which costs a readlink per call): the
// entry's inode is the check. When it is not the node's, the directory at the path now
// is used.
bool SameEntry(const struct stat& st, const Node& node) {
  return node.inode != 0 && st.st_ino == node.inode && st.st_dev == node.device;
}

// Reads every xattr through `list` and `get` (l*xattr on a path or f*xattr on a
// descriptor, same contract), sorted by name. An entry with none costs one call.
template <typename List, typename Get>
Status ReadXattrs(List list, Get get, const std::string& what, Node* node) {
  node->xattrs.clear();
  ssize_t len = list(nullptr, 0);
  if (len < 0) {
    if (errno == ENOTSUP || errno == ENODATA) return Status::Ok();
    return Status::FromErrno(errno, "listing xattrs of " + what);
  }
  if (len == 0) return Status::Ok();
  std::string names(static_cast<size_t>(len), '\0');
  len = list(names.data(), names.size());
  if (len < 0) return Status::FromErrno(errno, "listing xattrs of " + what);
  names.resize(static_cast<size_t>(len));
  for (size_t pos = 0; pos < names.size();) {
    std::string name(names.c_str() + pos);
    pos += name.size() + 1;
    ssize_t vlen = get(name.c_str(), nullptr, 0);
    if (vlen < 0) continue;  // removed meanwhile
    std::string value(static_cast<size_t>(vlen), '\0');
    vlen = get(name.c_str(), value.data(), value.size());
    if (vlen < 0) continue;
    value.resize(static_cast<size_t>(vlen));
    node->xattrs.emplace_back(std::move(name), std::move(value));
  }
  std::sort(node->xattrs.begin(), node->xattrs.end());
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
        if (errno == ENXIO) break;               // only a hole remains
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

  // The descriptor is the entry Open checked, so no path is looked up again.
  Status LoadExtended(Node* node) override {
    int fd = fd_.get();
    return ReadXattrs(
        [fd](char* list, size_t size) { return ::flistxattr(fd, list, size); },
        [fd](const char* name, void* value, size_t size) { return ::fgetxattr(fd, name, value, size); },
        "the open file", node);
  }

 private:
  UniqueFd fd_;
  uint64_t size_;
  bool maybe_sparse_;
};

}  // namespace

NodeKind NodeKindOfMode(mode_t mode) {
  if (S_ISDIR(mode)) return NodeKind::kDirectory;
  if (S_ISLNK(mode)) return NodeKind::kSymlink;
  if (S_ISFIFO(mode)) return NodeKind::kFifo;
  if (S_ISSOCK(mode)) return NodeKind::kSocket;
  if (S_ISCHR(mode)) return NodeKind::kCharDevice;
  if (S_ISBLK(mode)) return NodeKind::kBlockDevice;
  return NodeKind::kFile;
}

void NodeFromStatx(const struct statx& st, Node* node) {
  node->kind = NodeKindOfMode(st.stx_mode);
  node->mode = st.stx_mode & 07777;
  node->uid = st.stx_uid;
  node->gid = st.stx_gid;
  node->size = node->kind == NodeKind::kDirectory ? 0 : st.stx_size;
  node->mtime_ns = Ns(st.stx_mtime);
  node->atime_ns = Ns(st.stx_atime);
  node->ctime_ns = Ns(st.stx_ctime);
  node->btime_ns = (st.stx_mask & STATX_BTIME) != 0 ? Ns(st.stx_btime) : 0;
  node->inode = st.stx_ino;
  node->device = makedev(st.stx_dev_major, st.stx_dev_minor);
  node->nlink = st.stx_nlink;
  node->rdev = (node->kind == NodeKind::kCharDevice || node->kind == NodeKind::kBlockDevice)
                   ? makedev(st.stx_rdev_major, st.stx_rdev_minor)
                   : 0;
  // The file id follows the inode: stable across renames within the file system.
  node->file_id = (node->device << 40) ^ st.stx_ino;
  node->hardlink_group = (node->kind == NodeKind::kFile && st.stx_nlink > 1) ? node->file_id : 0;
}

Result<std::vector<std::string>> ReadEntryNames(int dirfd, const std::string& dir) {
  // fdopendir owns the descriptor it is given. A duplicate shares dirfd's offset, which
  // only readdir uses; opening "." instead would need search permission.
  UniqueFd own(::fcntl(dirfd, F_DUPFD_CLOEXEC, 0));
  if (!own.valid()) return Status::FromErrno(errno, "reading directory " + dir);
  DIR* d = ::fdopendir(own.get());
  if (d == nullptr) return Status::FromErrno(errno, "reading directory " + dir);
  own.release();
  ::rewinddir(d);
  std::vector<std::string> names;
  int err = 0;
  while (true) {
    errno = 0;  // readdir reports an error only through errno
    dirent* e = ::readdir(d);
    if (e == nullptr) {
      err = errno;
      break;
    }
    std::string_view name = e->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  ::closedir(d);
  if (err != 0) return Status::FromErrno(err, "reading directory " + dir);
  return names;
}

// Room for the directories listed ahead of the walker (each listing keeps its
// directory open for the reads that follow) beside those the readers are in.
PosixSource::PosixSource() : resolver_("/", DirResolver::kDefaultCapacity + kListAheadBudget) {}

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

// `name` empty: the directory `dirfd` itself.
Result<Node> PosixSource::StatAt(int dirfd, const std::string& name, const std::string& path) {
  struct statx st {};
  int flags = kStatxFlags | (name.empty() ? AT_EMPTY_PATH : 0);
  if (::statx(dirfd, name.c_str(), flags, kStatxMask, &st) != 0)
    return Status::FromErrno(errno, "stat " + path);
  Node node;
  node.name = name;
  NodeFromStatx(st, &node);
  FillOwnerNames(&node);
  if (node.kind == NodeKind::kSymlink) ARBOR_RETURN_IF_ERROR(ReadLink(dirfd, name, path, &node));
  return node;
}

Result<Node> PosixSource::Stat(const std::string& path) {
  if (path == "/") {
    ARBOR_ASSIGN_OR_RETURN(DirResolver::Handle root, resolver_.OpenDir("/"));
    return StatAt(root->get(), "", path);
  }
  ARBOR_ASSIGN_OR_RETURN(auto parent, resolver_.OpenParent(path));
  return StatAt(parent.first->get(), parent.second, path);
}

Status PosixSource::List(const std::string& dir, std::vector<Node>* children, std::vector<Status>* warnings) {
  // Opened afresh from its parent, not taken from the cache: what is at `dir` now.
  UniqueFd fd;
  if (dir == "/") {
    ARBOR_ASSIGN_OR_RETURN(DirResolver::Handle root, resolver_.OpenDir("/"));
    fd.reset(::openat(root->get(), ".", kDirFlags));
  } else {
    ARBOR_ASSIGN_OR_RETURN(auto parent, resolver_.OpenParent(dir));
    fd.reset(::openat(parent.first->get(), parent.second.c_str(), kDirFlags));
  }
  if (!fd.valid()) return Status::FromErrno(errno, "opening directory " + dir);
  ARBOR_ASSIGN_OR_RETURN(std::vector<std::string> names, ReadEntryNames(fd.get(), dir));
  ListNames(fd.get(), dir, std::move(names), children, warnings);
  resolver_.Keep(dir, std::move(fd));  // the entries' Open and LoadExtended follow
  return Status::Ok();
}

void PosixSource::ListNames(int dirfd, const std::string& dir, std::vector<std::string> names,
                            std::vector<Node>* children, std::vector<Status>* warnings) {
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  children->reserve(children->size() + names.size());
  for (const auto& name : names) {
    auto node = StatAt(dirfd, name, JoinPath(dir, name));
    if (node.ok()) {
      children->push_back(std::move(node).value());
    } else if (!node.status().Is(StatusCode::kNotFound)) {
      warnings->push_back(node.status());  // NotFound: deleted while we looked
    }
  }
}

Result<std::pair<DirResolver::Handle, std::string>> PosixSource::ParentOf(const std::string& path,
                                                                          const Node& node) {
  if (node.inode != 0) {
    auto cached = resolver_.OpenParent(path, DirResolver::Check::kNone);
    struct stat st {};
    if (cached.ok() &&
        ::fstatat(cached->first->get(), cached->second.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
        SameEntry(st, node)) {
      return cached;
    }
  }
  return resolver_.OpenParent(path);
}

Status PosixSource::LoadExtended(const std::string& path, Node* node) {
  node->xattrs.clear();
  // The l* calls take a path: the entry's name under its open directory, which is
  // short whatever the depth, and not followed if it is a symlink.
  DirResolver::Handle dir;
  std::string where = "/";
  if (path != "/") {
    ARBOR_ASSIGN_OR_RETURN(auto parent, ParentOf(path, *node));
    dir = std::move(parent.first);
    where = FdEntryPath(dir->get(), parent.second);
  }
  return ReadXattrs([&](char* list, size_t size) { return ::llistxattr(where.c_str(), list, size); },
                    [&](const char* name, void* value, size_t size) {
                      return ::lgetxattr(where.c_str(), name, value, size);
                    },
                    path, node);
}

Result<UniqueFd> PosixSource::OpenFile(const std::string& path, DirResolver::Check check) {
  ARBOR_ASSIGN_OR_RETURN(auto parent, resolver_.OpenParent(path, check));
  int dirfd = parent.first->get();
  const char* name = parent.second.c_str();
  // O_NOATIME keeps a backup from touching atimes; it is refused for files we do
  // not own unless we are root, so fall back without it.
  UniqueFd fd(::openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOATIME));
  if (!fd.valid() && errno == EPERM) fd.reset(::openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd.valid()) return Status::FromErrno(errno, "opening " + path);
  return fd;
}

Result<std::unique_ptr<FileReader>> PosixSource::Open(const std::string& path, const Node& node) {
  // The inode opened is the check on the unchecked cached directory (see SameEntry).
  struct stat st {};
  UniqueFd fd;
  if (node.inode != 0) {
    auto cached = OpenFile(path, DirResolver::Check::kNone);
    if (cached.ok() && ::fstat(cached->get(), &st) == 0 && SameEntry(st, node))
      fd = std::move(cached).value();
  }
  if (!fd.valid()) {
    ARBOR_ASSIGN_OR_RETURN(fd, OpenFile(path, DirResolver::Check::kPath));
    if (::fstat(fd.get(), &st) != 0) st = {};
  }
  bool maybe_sparse = static_cast<uint64_t>(st.st_blocks) * 512 < static_cast<uint64_t>(st.st_size);
  return std::unique_ptr<FileReader>(
      std::make_unique<PosixFileReader>(std::move(fd), node.size, maybe_sparse));
}

}  // namespace arbor
