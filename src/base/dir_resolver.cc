#include "base/dir_resolver.h"

#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include <cerrno>

namespace arbor {
namespace {

constexpr int kDirFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

Status CheckPath(std::string_view path) {
  if (path.empty() || path[0] != '/')
    return Status::InvalidArgument("path '" + std::string(path) + "' is not absolute");
  if (path == "/") return Status::Ok();
  size_t pos = 1;
  while (pos <= path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) slash = path.size();
    if (!IsPlainName(path.substr(pos, slash - pos))) {
      return Status::InvalidArgument("path '" + std::string(path) + "' has an empty, '.', '..' or NUL name");
    }
    pos = slash + 1;
  }
  return Status::Ok();
}

}  // namespace

std::string JoinPath(const std::string& dir, const std::string& name) {
  return dir == "/" ? "/" + name : dir + "/" + name;
}

bool IsPlainName(std::string_view name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string_view::npos &&
         name.find('\0') == std::string_view::npos;
}

DirResolver::DirResolver(std::string root, size_t capacity) : root_(std::move(root)), capacity_(capacity) {}

std::string DirResolver::Display(std::string_view path) const {
  if (path == "/") return root_;
  return root_ == "/" ? std::string(path) : root_ + std::string(path);
}

size_t DirResolver::cached() const {
  std::lock_guard lock(mu_);
  return cache_.size();
}

Result<DirResolver::Handle> DirResolver::Root() {
  {
    std::lock_guard lock(mu_);
    if (root_handle_) return root_handle_;
  }
  UniqueFd fd(::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return Status::FromErrno(errno, "opening directory " + root_);
  char buf[PATH_MAX];
  ssize_t n = ::readlink(("/proc/self/fd/" + std::to_string(fd.get())).c_str(), buf, sizeof buf);
  std::lock_guard lock(mu_);
  if (!root_handle_) {
    root_handle_ = std::make_shared<const UniqueFd>(std::move(fd));
    // Without /proc nothing can be checked: root_real_ stays empty and nothing is cached.
    if (n > 0 && static_cast<size_t>(n) < sizeof buf) root_real_.assign(buf, static_cast<size_t>(n));
  }
  return root_handle_;
}

bool DirResolver::StillAt(const UniqueFd& fd, const std::string& expected) const {
  char buf[PATH_MAX];
  ssize_t n = ::readlink(("/proc/self/fd/" + std::to_string(fd.get())).c_str(), buf, sizeof buf);
  return n > 0 && static_cast<size_t>(n) == expected.size() &&
         expected.compare(0, expected.size(), buf, n) == 0;
}

DirResolver::Handle DirResolver::Cached(const std::string& path, Check check) {
  Handle handle;
  std::string expected;
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(path);
    if (it == cache_.end()) return nullptr;
    handle = it->second.handle;
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    expected = root_real_ == "/" ? path : root_real_ + path;
  }
  if (check == Check::kNone || StillAt(*handle, expected)) return handle;
  std::lock_guard lock(mu_);
  auto it = cache_.find(path);
  if (it != cache_.end() && it->second.handle == handle) {
    lru_.erase(it->second.lru);
    cache_.erase(it);
  }
  return nullptr;
}

void DirResolver::Insert(const std::string& path, Handle handle) {
  std::lock_guard lock(mu_);
  if (capacity_ == 0 || root_real_.empty() || root_real_.size() + path.size() >= PATH_MAX) return;
  auto it = cache_.find(path);
  if (it != cache_.end()) {
    it->second.handle = std::move(handle);
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    return;
  }
  lru_.push_front(path);
  cache_.emplace(path, Entry{std::move(handle), lru_.begin()});
  while (cache_.size() > capacity_) {
    cache_.erase(lru_.back());
    lru_.pop_back();
  }
}

Result<DirResolver::Handle> DirResolver::OpenDir(std::string_view path, Check check) {
  ARBOR_RETURN_IF_ERROR(CheckPath(path));
  if (path == "/") return Root();
  const std::string p(path);
  // The deepest directory on the way that is cached and still where it was.
  Handle current;
  size_t reached = p.size();
  while (reached > 0) {
    if ((current = Cached(p.substr(0, reached), check))) break;
    reached = p.rfind('/', reached - 1);
  }
  if (!current) {
    ARBOR_ASSIGN_OR_RETURN(current, Root());
  }
  while (reached < p.size()) {
    size_t next = p.find('/', reached + 1);
    if (next == std::string::npos) next = p.size();
    std::string name = p.substr(reached + 1, next - reached - 1);
    UniqueFd fd(::openat(current->get(), name.c_str(), kDirFlags));
    if (!fd.valid()) return Status::FromErrno(errno, "opening directory " + Display(p.substr(0, next)));
    current = std::make_shared<const UniqueFd>(std::move(fd));
    Insert(p.substr(0, next), current);
    reached = next;
  }
  return current;
}

Result<std::pair<DirResolver::Handle, std::string>> DirResolver::OpenParent(std::string_view path,
                                                                            Check check) {
  ARBOR_RETURN_IF_ERROR(CheckPath(path));
  if (path == "/") return Status::InvalidArgument("the root has no parent directory");
  size_t slash = path.rfind('/');
  ARBOR_ASSIGN_OR_RETURN(Handle dir,
                         OpenDir(slash == 0 ? std::string_view("/") : path.substr(0, slash), check));
  return std::make_pair(std::move(dir), std::string(path.substr(slash + 1)));
}

void DirResolver::Keep(std::string_view path, UniqueFd fd) {
  if (!CheckPath(path).ok() || path == "/") return;
  Insert(std::string(path), std::make_shared<const UniqueFd>(std::move(fd)));
}

std::string FdEntryPath(int dirfd, std::string_view name) {
  std::string out = "/proc/self/fd/" + std::to_string(dirfd);
  if (!name.empty()) out.append("/").append(name);
  return out;
}

}  // namespace arbor
