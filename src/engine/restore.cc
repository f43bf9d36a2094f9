#include "engine/restore.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <chrono>
#include <mutex>
#include <unordered_map>

#include "base/file_util.h"
#include "engine/task_pool.h"

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

std::string Join(const std::string& dir, const std::string& name) {
  return dir == "/" ? "/" + name : dir + "/" + name;
}

// Whether a snapshot path is wanted, and whether it is wanted only as the way to
// something below it.
enum class Wanted { kNo, kOnTheWay, kYes };

Wanted Want(const std::vector<std::string>& includes, const std::string& path) {
  if (includes.empty()) return Wanted::kYes;
  Wanted best = Wanted::kNo;
  for (const auto& inc : includes) {
    if (path == inc || (path.size() > inc.size() && path.rfind(inc, 0) == 0 && path[inc.size()] == '/')) {
      return Wanted::kYes;
    }
    if (inc.size() > path.size() && inc.rfind(path, 0) == 0 && (path == "/" || inc[path.size()] == '/')) {
      best = Wanted::kOnTheWay;
    }
  }
  return best;
}

class Restorer {
 public:
  Restorer(Repository& repo, const RestoreOptions& options)
      : repo_(repo),
        options_(options),
        pool_(options.threads > 0 ? options.threads : DefaultThreads(), 256),
        as_root_(::geteuid() == 0) {}

  Status Run(const Digest& root) {
    ARBOR_RETURN_IF_ERROR(MakeDirs(options_.target));
    struct Frame {
      std::string path;  // in the snapshot
      Digest tree;
    };
    std::vector<Frame> stack{{"/", root}};
    while (!stack.empty() && !Failed()) {
      Frame f = std::move(stack.back());
      stack.pop_back();
      auto nodes = repo_.LoadTree(f.tree);
      if (!nodes.ok()) return nodes.status().Annotate("directory " + f.path);
      for (auto& node : *nodes) {
        std::string path = Join(f.path, node.name);
        Wanted w = Want(options_.includes, path);
        if (w == Wanted::kNo) continue;
        if (node.IsDir()) {
          if (CreateDir(path, node)) stack.push_back({path, *node.subtree});
        } else if (w == Wanted::kYes) {
          Dispatch(path, std::move(node));
        }
      }
    }
    pool_.Wait();
    if (Failed()) return fatal_;
    for (const auto& [path, target] : links_) MakeLink(path, target);
    for (auto it = dirs_.rbegin(); it != dirs_.rend(); ++it) ApplyMetadata(Target(it->first), it->second, -1);
    return Status::Ok();
  }

  RestoreResult TakeResult() {
    RestoreResult r;
    r.files = files_;
    r.dirs = dirs_.size();
    r.bytes = progress_.bytes_done;
    r.errors = errors_;
    r.warnings = std::move(warnings_);
    return r;
  }
  ProgressCounters& progress() { return progress_; }

 private:
  std::string Target(const std::string& path) const { return options_.target + path; }

  bool CreateDir(const std::string& path, const Node& node) {
    std::string t = Target(path);
    if (::mkdir(t.c_str(), 0700) != 0 && errno != EEXIST) {
      Warn(Status::FromErrno(errno, "creating directory " + t));
      return false;
    }
    struct stat st {};
    if (::lstat(t.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      Warn(Status::AlreadyExists(t + " exists and is not a directory; not restoring into it"));
      return false;
    }
    Node meta = node;
    meta.content.clear();
    dirs_.emplace_back(path, std::move(meta));
    return true;
  }

  void Dispatch(const std::string& path, Node node) {
    std::string t = Target(path);
    if (node.IsFile() && node.hardlink_group != 0) {
      auto [it, first] = hardlinks_.emplace(node.hardlink_group, t);
      if (!first) {
        links_.emplace_back(t, it->second);
        return;
      }
    }
    if (!node.IsFile()) {
      RestoreSpecial(t, node);
      return;
    }
    pool_.Submit([this, t, node = std::move(node)] { RestoreFile(t, node); });
  }

  void RestoreFile(const std::string& t, const Node& node) {
    ::unlink(t.c_str());  // replace whatever is there, never write through a symlink
    UniqueFd fd(::open(t.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!fd.valid()) return Warn(Status::FromErrno(errno, "creating " + t));
    Status st = WriteContent(fd.get(), t, node);
    if (st.ok() && ::ftruncate(fd.get(), static_cast<off_t>(node.size)) != 0) {
      st = Status::FromErrno(errno, "setting size of " + t);
    }
    if (!st.ok()) {
      if (st.Is(StatusCode::kNoSpace) || st.Is(StatusCode::kCorruption) || st.Is(StatusCode::kNotFound)) {
        return Fail(st.Is(StatusCode::kNoSpace) ? Status::NoSpace("target disk is full while writing " + t)
                                                : st.Annotate(t));
      }
      return Warn(st);
    }
    ApplyMetadata(t, node, fd.get());
    std::lock_guard lock(mu_);
    files_++;
    progress_.files_done++;
  }

  // Writes the content stream; for sparse files it is laid out over the data extents
  // and the gaps are left unwritten (holes).
  Status WriteContent(int fd, const std::string& t, const Node& node) {
    std::vector<Extent> extents = node.data_extents;
    if (extents.empty()) extents.push_back({0, node.size});
    size_t ext = 0;
    uint64_t ext_used = 0;
    for (const auto& id : node.content) {
      ARBOR_ASSIGN_OR_RETURN(std::string data, repo_.LoadBlob(id));
      std::string_view rest = data;
      while (!rest.empty()) {
        if (ext >= extents.size()) return Status::Corruption("content of " + t + " is longer than its extents");
        uint64_t room = extents[ext].length - ext_used;
        size_t n = static_cast<size_t>(std::min<uint64_t>(room, rest.size()));
        ARBOR_RETURN_IF_ERROR(PwriteFull(fd, rest.substr(0, n), extents[ext].offset + ext_used, t));
        rest.remove_prefix(n);
        ext_used += n;
        if (ext_used == extents[ext].length) {
          ++ext;
          ext_used = 0;
        }
      }
      progress_.bytes_done += data.size();
    }
    return Status::Ok();
  }

  static Status PwriteFull(int fd, std::string_view data, uint64_t offset, const std::string& t) {
    while (!data.empty()) {
      ssize_t n = ::pwrite(fd, data.data(), data.size(), static_cast<off_t>(offset));
      if (n < 0) {
        if (errno == EINTR) continue;
        return Status::FromErrno(errno, "writing " + t);
      }
      data.remove_prefix(static_cast<size_t>(n));
      offset += static_cast<uint64_t>(n);
    }
    return Status::Ok();
  }

  void RestoreSpecial(const std::string& t, const Node& node) {
    ::unlink(t.c_str());
    int rc = 0;
    switch (node.kind) {
      case NodeKind::kSymlink: rc = ::symlink(node.symlink_target.c_str(), t.c_str()); break;
      case NodeKind::kFifo: rc = ::mkfifo(t.c_str(), 0600); break;
      case NodeKind::kCharDevice:
      case NodeKind::kBlockDevice:
        rc = ::mknod(t.c_str(), (node.kind == NodeKind::kCharDevice ? S_IFCHR : S_IFBLK) | 0600,
                     static_cast<dev_t>(node.rdev));
        break;
      default: return;  // sockets are recorded, not recreated (only a live process can own one)
    }
    if (rc != 0) return Warn(Status::FromErrno(errno, "creating " + t));
    ApplyMetadata(t, node, -1);
    std::lock_guard lock(mu_);
    files_++;
  }

  void MakeLink(const std::string& t, const std::string& existing) {
    ::unlink(t.c_str());
    if (::link(existing.c_str(), t.c_str()) != 0) Warn(Status::FromErrno(errno, "linking " + t));
  }

  // Owner, mode, xattrs, times, in the order that keeps each step from undoing the
  // last (chown clears setuid bits, so mode comes after it). `fd` may be -1.
  void ApplyMetadata(const std::string& t, const Node& node, int fd) {
    bool link = node.kind == NodeKind::kSymlink;
    if (as_root_) {
      int rc = fd >= 0 ? ::fchown(fd, node.uid, node.gid) : ::lchown(t.c_str(), node.uid, node.gid);
      if (rc != 0) Warn(Status::FromErrno(errno, "chown " + t));
    }
    if (!link) {
      int rc = fd >= 0 ? ::fchmod(fd, node.mode) : ::chmod(t.c_str(), node.mode);
      if (rc != 0) Warn(Status::FromErrno(errno, "chmod " + t));
    }
    for (const auto& [name, value] : node.xattrs) {
      int rc = fd >= 0 ? ::fsetxattr(fd, name.c_str(), value.data(), value.size(), 0)
                       : ::lsetxattr(t.c_str(), name.c_str(), value.data(), value.size(), 0);
      if (rc != 0 && !(link && errno == EPERM)) Warn(Status::FromErrno(errno, "setting xattr " + name + " on " + t));
    }
    timespec times[2] = {ToTimespec(node.atime_ns), ToTimespec(node.mtime_ns)};
    int rc = fd >= 0 ? ::futimens(fd, times) : ::utimensat(AT_FDCWD, t.c_str(), times, AT_SYMLINK_NOFOLLOW);
    if (rc != 0) Warn(Status::FromErrno(errno, "setting times of " + t));
  }

  void Warn(const Status& st) {
    std::lock_guard lock(mu_);
    errors_++;
    progress_.errors++;
    warnings_.push_back(st.message());
  }
  void Fail(const Status& st) {
    std::lock_guard lock(mu_);
    if (fatal_.ok()) fatal_ = st;
    failed_ = true;
  }
  bool Failed() const { return failed_; }

  Repository& repo_;
  const RestoreOptions& options_;
  TaskPool pool_;
  const bool as_root_;
  ProgressCounters progress_;
  std::atomic<bool> failed_{false};
  // Walker-thread only:
  std::vector<std::pair<std::string, Node>> dirs_;
  std::unordered_map<uint64_t, std::string> hardlinks_;
  std::vector<std::pair<std::string, std::string>> links_;

  std::mutex mu_;
  Status fatal_;
  uint64_t files_ = 0;
  uint64_t errors_ = 0;
  std::vector<std::string> warnings_;
};

}  // namespace

Result<RestoreResult> RunRestore(Repository& repo, const Snapshot& snapshot, const RestoreOptions& options) {
  auto start = std::chrono::steady_clock::now();
  Restorer restorer(repo, options);
  restorer.progress().files_expected = snapshot.stats.files_total;
  restorer.progress().bytes_expected = snapshot.stats.bytes_total;
  Status st;
  {
    ProgressReporter reporter(options.progress, "restore", &restorer.progress());
    st = restorer.Run(snapshot.tree);
  }
  if (!st.ok()) return st;
  RestoreResult r = restorer.TakeResult();
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace arbor
