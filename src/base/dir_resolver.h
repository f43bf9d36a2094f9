// DirResolver: reaches the directories of a tree by opening one path component at a
// time (openat with O_NOFOLLOW), for the POSIX source and the POSIX restore target.
// No system call sees more than one name, so trees deeper than PATH_MAX (4096 bytes)
// work, and no symlink below the root is ever followed: a symlink placed in a tree
// cannot send a walk, or a restore's writes, outside it.
//
// Paths are relative to the root, start with '/' and use '/' between names: "/" is
// the root itself, "/a/b" the root's child a's child b. Empty names, "." and ".." are
// refused (InvalidArgument).
//
// Recently opened directories stay open in a bounded cache. A cached handle is used
// only while the kernel still names it by the path it was opened as
// (/proc/self/fd/N), so a directory renamed, replaced or removed since is opened
// afresh: a caller always reaches what is at the path now (unless it asks for
// Check::kNone and checks what it reaches itself). Handles whose full path exceeds
// PATH_MAX cannot be checked that way and are not cached.
//
// Thread safety: every method may be called from any number of threads.
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "base/file_util.h"
#include "base/status.h"

namespace arbor {

class DirResolver {
 public:
  // An open directory. Shared, so that a handle in use stays open when the cache
  // drops it.
  using Handle = std::shared_ptr<const UniqueFd>;

  static constexpr size_t kDefaultCapacity = 64;

  // `root`: a directory, opened (following symlinks: the caller chose it) on first use,
  // so it may be created after construction.
  explicit DirResolver(std::string root, size_t capacity = kDefaultCapacity);

  const std::string& root() const { return root_; }
  // root() + path, for messages.
  std::string Display(std::string_view path) const;

  // Whether a cached directory is checked to still be at its path before use.
  enum class Check {
    kPath,  // yes (one readlink of /proc/self/fd/N): what is at the path now
    // No: for a caller that then checks the entry it reaches below by its own means
    // (the inode it expects), and asks again with kPath when that check fails.
    kNone,
  };

  // The directory at `path`.
  Result<Handle> OpenDir(std::string_view path, Check check = Check::kPath);
  // The directory holding `path`'s last name, and that name ("/a/b" -> "/a", "b").
  // InvalidArgument for "/".
  Result<std::pair<Handle, std::string>> OpenParent(std::string_view path, Check check = Check::kPath);
  // Adds a directory the caller opened itself at `path` (a listing primes the cache for
  // the calls on its entries that follow). Takes ownership of `fd`.
  void Keep(std::string_view path, UniqueFd fd);

  size_t cached() const;

 private:
  Result<Handle> Root();
  // The cached handle for `path` (with kPath: if the kernel still names it so), else null.
  Handle Cached(const std::string& path, Check check);
  void Insert(const std::string& path, Handle handle);
  bool StillAt(const UniqueFd& fd, const std::string& path) const;

  const std::string root_;
  const size_t capacity_;
  mutable std::mutex mu_;
  Handle root_handle_;          // guarded by mu_; null until first opened
  std::string root_real_;       // guarded by mu_; the kernel's name of the root
  std::list<std::string> lru_;  // guarded by mu_; most recently used first
  struct Entry {
    Handle handle;
    std::list<std::string>::iterator lru;
  };
  std::unordered_map<std::string, Entry> cache_;  // guarded by mu_
};

// "/a" + "b" -> "/a/b"; "/" + "b" -> "/b": a child's path in the form above.
std::string JoinPath(const std::string& dir, const std::string& name);

// Whether `name` names one entry of a directory: not empty, ".", "..", and without '/'
// or NUL.
bool IsPlainName(std::string_view name);

// "/proc/self/fd/<dirfd>/<name>": a short path to an entry of an open directory, for
// the calls that exist only by path (xattrs of symlinks and special files). The
// directory is reached through its descriptor; `name` itself is not followed by the
// l* calls.
std::string FdEntryPath(int dirfd, std::string_view name);

}  // namespace arbor
