#include "store/local_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <filesystem>

#include "store/object_key.h"

namespace arbor {
namespace {

constexpr size_t kMaxCachedFds = 64;
constexpr std::string_view kStagingName = ".staging";

// A fresh name in the staging folder for one append-only Put.
std::string StagedTempPath(const std::string& staging_dir) {
  static std::atomic<uint64_t> counter{0};
  return staging_dir + "/put-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

}  // namespace

LocalStore::LocalStore(std::string root) : root_(std::move(root)) {}

std::string LocalStore::PathOf(std::string_view key) const { return root_ + "/" + std::string(key); }

Status LocalStore::EnsureParent(const std::string& path) { return MakeDirs(path.substr(0, path.rfind('/'))); }

Status LocalStore::Put(std::string_view key, std::string_view data, const PutOptions&) {
  ARBOR_RETURN_IF_ERROR(CheckObjectKey(key));
  std::string path = PathOf(key);
  ARBOR_RETURN_IF_ERROR(EnsureParent(path));
  if (append_only_) {
    std::string staged = StagedTempPath(StagingDir());
    ARBOR_RETURN_IF_ERROR(WriteFileAtomic(staged, data).Annotate("staging " + std::string(key)));
    return PlaceWithoutReplacing(key, staged, path);
  }
  ForgetFd(path);
  return WriteFileAtomic(path, data).Annotate("storing " + std::string(key));
}

Status LocalStore::PlaceWithoutReplacing(std::string_view key, const std::string& staged,
                                         const std::string& path) {
  if (::renameat2(AT_FDCWD, staged.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE) == 0) {
    return FsyncDir(path.substr(0, path.rfind('/')));
  }
  int err = errno;
  if (err != EEXIST) {
    ::unlink(staged.c_str());
    return Status::FromErrno(err, "storing " + std::string(key));
  }
  auto existing = ReadWholeFile(path);
  auto mine = ReadWholeFile(staged);
  ::unlink(staged.c_str());
  ARBOR_RETURN_IF_ERROR(existing.status());
  ARBOR_RETURN_IF_ERROR(mine.status());
  if (*existing == *mine) return Status::Ok();
  return Status::PermissionDenied("append-only repository: " + std::string(key) +
                                  " exists and would be overwritten (refused)");
}

Status LocalStore::PutFile(std::string_view key, const std::string& src, const PutOptions&) {
  ARBOR_RETURN_IF_ERROR(CheckObjectKey(key));
  std::string path = PathOf(key);
  ARBOR_RETURN_IF_ERROR(EnsureParent(path));
  {
    UniqueFd fd(::open(src.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return Status::FromErrno(errno, "opening staged " + src);
    if (::fsync(fd.get()) != 0) return Status::FromErrno(errno, "fsync " + src);
  }
  if (append_only_) {
    // Staged elsewhere than the store's own staging folder: bring it there first, so the
    // no-replace rename stays on one file system.
    if (src.rfind(StagingDir() + "/", 0) != 0) {
      ARBOR_ASSIGN_OR_RETURN(std::string data, ReadWholeFile(src));
      ARBOR_RETURN_IF_ERROR(Put(key, data));
      ::unlink(src.c_str());
      return Status::Ok();
    }
    return PlaceWithoutReplacing(key, src, path);
  }
  ForgetFd(path);
  if (::rename(src.c_str(), path.c_str()) != 0) {
    if (errno != EXDEV) return Status::FromErrno(errno, "renaming into " + path);
    // Staged on another file system: copy instead.
    ARBOR_ASSIGN_OR_RETURN(std::string data, ReadWholeFile(src));
    ARBOR_RETURN_IF_ERROR(WriteFileAtomic(path, data));
    ::unlink(src.c_str());
    return Status::Ok();
  }
  return FsyncDir(path.substr(0, path.rfind('/')));
}

Result<std::shared_ptr<UniqueFd>> LocalStore::OpenForRead(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = fds_.find(path);
  if (it != fds_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    return it->second.fd;
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno(errno, "opening " + path);
  if (fds_.size() >= kMaxCachedFds) {
    fds_.erase(lru_.back());
    lru_.pop_back();
  }
  lru_.push_front(path);
  auto shared = std::make_shared<UniqueFd>(fd);
  fds_.emplace(path, CachedFd{shared, lru_.begin()});
  return shared;
}

void LocalStore::ForgetFd(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = fds_.find(path);
  if (it == fds_.end()) return;
  lru_.erase(it->second.lru);
  fds_.erase(it);
}

Result<std::string> LocalStore::Get(std::string_view key, uint64_t offset, uint64_t length) {
  ARBOR_RETURN_IF_ERROR(CheckObjectKey(key));
  std::string path = PathOf(key);
  if (offset == 0 && length == kToEnd) {
    auto whole = ReadWholeFile(path);
    if (!whole.ok()) return whole.status().Annotate("object " + std::string(key));
    return whole;
  }
  ARBOR_ASSIGN_OR_RETURN(auto fd, OpenForRead(path));
  std::string out;
  struct stat st_buf {};
  if (length == kToEnd) {
    if (::fstat(fd->get(), &st_buf) != 0) return Status::FromErrno(errno, "stat " + path);
    length = static_cast<uint64_t>(st_buf.st_size) > offset ? st_buf.st_size - offset : 0;
  }
  Status st = PreadFull(fd->get(), offset, static_cast<size_t>(length), &out);
  if (!st.ok()) return st.Annotate("reading " + std::string(key));
  return out;
}

Result<ObjectInfo> LocalStore::Stat(std::string_view key) {
  ARBOR_RETURN_IF_ERROR(CheckObjectKey(key));
  struct stat st {};
  std::string path = PathOf(key);
  if (::stat(path.c_str(), &st) != 0) return Status::FromErrno(errno, "object " + std::string(key));
  return ObjectInfo{std::string(key), static_cast<uint64_t>(st.st_size),
                    st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec};
}

Status LocalStore::List(std::string_view prefix, const std::function<Status(const ObjectInfo&)>& fn) {
  // List the deepest directory named by the prefix, then filter by the full prefix.
  std::string dir_part(prefix.substr(0, prefix.rfind('/') == std::string_view::npos ? 0 : prefix.rfind('/')));
  std::string start = dir_part.empty() ? root_ : root_ + "/" + dir_part;
  std::error_code ec;
  if (!std::filesystem::exists(start, ec)) return Status::Ok();
  auto it = std::filesystem::recursive_directory_iterator(start, ec);
  if (ec) return Status::FromErrno(ec.value(), "listing " + start);
  for (; it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) return Status::FromErrno(ec.value(), "listing " + start);
    std::string rel = it->path().string().substr(root_.size() + 1);
    if (it->is_directory()) {
      if (rel == kStagingName) it.disable_recursion_pending();
      continue;
    }
    if (rel.rfind(prefix, 0) != 0 || rel.find(".tmp-") != std::string::npos) continue;
    struct stat st {};
    if (::stat(it->path().c_str(), &st) != 0) continue;  // deleted meanwhile
    ARBOR_RETURN_IF_ERROR(fn(ObjectInfo{rel, static_cast<uint64_t>(st.st_size),
                                        st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec}));
  }
  return Status::Ok();
}

Status LocalStore::Delete(std::string_view key) {
  ARBOR_RETURN_IF_ERROR(CheckObjectKey(key));
  if (append_only_) {
    return Status::PermissionDenied("append-only repository: deleting " + std::string(key) +
                                    " is refused (prune, forget and key remove need a client without "
                                    "--append-only)");
  }
  std::string path = PathOf(key);
  ForgetFd(path);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return Status::FromErrno(errno, "deleting " + path);
  return Status::Ok();
}

Result<std::unique_ptr<ObjectStore>> OpenLocalStore(const std::string& dir, bool create) {
  std::string path = dir;
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  if (path.empty()) return Status::InvalidArgument("empty repository location");
  std::error_code ec;
  if (create) {
    ARBOR_RETURN_IF_ERROR(MakeDirs(path));
  } else if (!std::filesystem::is_directory(path, ec)) {
    return Status::NotFound("repository directory " + path + " does not exist");
  }
  path = std::filesystem::absolute(path, ec).lexically_normal().string();
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  ARBOR_RETURN_IF_ERROR(MakeDirs(path + "/" + std::string(kStagingName)));
  return std::unique_ptr<ObjectStore>(std::make_unique<LocalStore>(path));
}

}  // namespace arbor
