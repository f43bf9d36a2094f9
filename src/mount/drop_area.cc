#include "mount/drop_area.h"

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <thread>

#include "archiver/backup.h"
#include "hash/sha256.h"
#include "mount/rebased_source.h"

namespace arbor {
namespace {

std::string UtcNow() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// The bytes of the regular files below `dir` (what the limit counts).
uint64_t StagedBytes(const std::string& dir) {
  static thread_local uint64_t total;
  total = 0;
  nftw(
      dir.c_str(),
      [](const char*, const struct stat* st, int type, FTW*) {
        if (type == FTW_F && S_ISREG(st->st_mode)) total += static_cast<uint64_t>(st->st_size);
        return 0;
      },
      32, FTW_PHYS);
  return total;
}

bool IsEmptyDir(const std::string& dir) {
  std::unique_ptr<DIR, int (*)(DIR*)> d(opendir(dir.c_str()), closedir);
  if (!d) return true;
  while (dirent* e = readdir(d.get())) {
    std::string_view n = e->d_name;
    if (n != "." && n != "..") return false;
  }
  return true;
}

// Makes what was written below `dir` durable before the marker says it is complete.
Status SyncTree(const std::string& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid() || ::syncfs(fd.get()) != 0) return Status::FromErrno(errno, "syncing " + dir);
  return Status::Ok();
}

// The snapshot's host: the drop came in through a mount on this machine.
std::string ThisHost() {
  char buf[256] = {};
  ::gethostname(buf, sizeof buf - 1);
  return buf;
}

std::string NewDropId() {
  auto now = std::chrono::system_clock::now().time_since_epoch().count();
  std::string seed = std::to_string(now) + "/" + std::to_string(::getpid());
  return Sha256Of(seed).Hex().substr(0, 16);
}

// The folder of the area of `repo`'s namespace below `root`, and what names it.
std::string NamespaceOf(const Repository& repo) { return repo.store()->Describe() + "\n" + repo.prefix(); }
std::string DirOf(const std::string& root, const Repository& repo) {
  return root + "/" + Sha256Of(NamespaceOf(repo)).Hex().substr(0, 16);
}

// Why the area `dir` cannot be locked: who holds it, from the holder's record in the lock
// file `fd` ("<pid>\n<mount point>\n", DropArea::RecordHolder), and how to commit its drop.
Status HeldBy(const std::string& dir, int fd) {
  char buf[4096] = {};
  ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  std::string record(buf, n > 0 ? static_cast<size_t>(n) : 0);
  size_t nl = record.find('\n');
  std::string mountpoint = nl == std::string::npos ? "" : record.substr(nl + 1);
  if (!mountpoint.empty() && mountpoint.back() == '\n') mountpoint.pop_back();
  if (mountpoint.empty()) {
    return Status::Busy("the drop area " + dir +
                        " is in use by another arbor process (a mount or --commit-drop of this namespace)");
  }
  return Status::Busy("the drop area " + dir + " is held by the arbor mount at " + mountpoint + " (pid " +
                      record.substr(0, nl) +
                      "), which commits the drop when it is unmounted: `fusermount3 -u " + mountpoint + "`");
}

}  // namespace

DropArea::DropArea(std::string dir, UniqueFd lock, uint64_t limit)
    : dir_(std::move(dir)),
      staging_(dir_ + "/staging"),
      marker_(dir_ + "/commit"),
      lock_(std::move(lock)),
      limit_(limit) {}

Result<std::unique_ptr<DropArea>> DropArea::Open(const std::string& root, const Repository& repo,
                                                 uint64_t limit_bytes) {
  std::string ns = NamespaceOf(repo);
  std::string dir = DirOf(root, repo);
  ARBOR_RETURN_IF_ERROR(MakeDirs(dir + "/staging"));
  UniqueFd lock(::open((dir + "/lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!lock.valid()) return Status::FromErrno(errno, "opening " + dir + "/lock");
  if (::flock(lock.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) return HeldBy(dir, lock.get());
    return Status::FromErrno(errno, "locking " + dir + "/lock");
  }
  // A record left by an earlier holder would misname this one, and a request it left
  // unanswered would be taken for a new one.
  if (::ftruncate(lock.get(), 0) != 0) return Status::FromErrno(errno, "clearing " + dir + "/lock");
  for (const char* stale : {"/commit-request", "/commit-reply"}) {
    if (::unlink((dir + stale).c_str()) != 0 && errno != ENOENT)
      return Status::FromErrno(errno, "removing " + dir + stale);
  }
  ARBOR_RETURN_IF_ERROR(WriteFileAtomic(dir + "/namespace", ns + "\n"));
  std::unique_ptr<DropArea> area(new DropArea(dir, std::move(lock), limit_bytes));
  area->used_ = StagedBytes(area->staging_);
  return area;
}

Status DropArea::RecordHolder(const std::string& mountpoint) {
  std::string record = std::to_string(::getpid()) + "\n" + mountpoint + "\n";
  if (::ftruncate(lock_.get(), 0) != 0 ||
      ::pwrite(lock_.get(), record.data(), record.size(), 0) != static_cast<ssize_t>(record.size()))
    return Status::FromErrno(errno, "writing " + dir_ + "/lock");
  return Status::Ok();
}

Result<std::string> DropArea::AskHolderToCommit(const std::string& root, const Repository& repo,
                                                std::chrono::milliseconds timeout) {
  std::string dir = DirOf(root, repo);
  UniqueFd lock(::open((dir + "/lock").c_str(), O_RDONLY | O_CLOEXEC));
  if (!lock.valid()) return Status::FromErrno(errno, "opening " + dir + "/lock");
  Status held = HeldBy(dir, lock.get());
  char buf[32] = {};
  ssize_t n = ::pread(lock.get(), buf, sizeof buf - 1, 0);
  pid_t pid = n > 0 ? static_cast<pid_t>(std::atol(buf)) : 0;
  if (pid <= 0) return held;  // not a mount: nobody answers requests
  std::string id = NewDropId();
  std::string request = dir + "/commit-request";
  std::string reply_path = dir + "/commit-reply";
  ARBOR_RETURN_IF_ERROR(WriteFileAtomic(request, id + "\n"));
  // A mount takes the request within a second (it looks 4 times a second); its commit may
  // take longer (it backs the drop up).
  auto start = std::chrono::steady_clock::now();
  auto taken_by = start + std::chrono::seconds(5);
  auto deadline = start + timeout;
  for (;;) {
    auto reply = ReadWholeFile(reply_path);
    if (reply.ok() && reply->compare(0, id.size() + 1, id + "\n") == 0) {
      ::unlink(reply_path.c_str());
      std::string rest = reply->substr(id.size() + 1);
      size_t nl = rest.find('\n');
      std::string text = nl == std::string::npos ? "" : rest.substr(nl + 1);
      if (!text.empty() && text.back() == '\n') text.pop_back();
      if (rest.compare(0, nl, "ok") == 0) return text;
      return Status::Unavailable("the arbor mount (pid " + std::to_string(pid) +
                                 ") did not commit its drop: " + text);
    }
    if (::kill(pid, 0) != 0 && errno == ESRCH) {
      ::unlink(request.c_str());
      return Status::Unavailable(
          "the arbor mount (pid " + std::to_string(pid) +
          ") ended before it answered; a mount commits its drop as it is unmounted "
          "(its output says so), and `arbor mount --commit-drop` commits what is left");
    }
    auto now = std::chrono::steady_clock::now();
    bool taken = ::access(request.c_str(), F_OK) != 0;
    if (now > deadline || (!taken && now > taken_by)) {
      ::unlink(request.c_str());
      return Status::Busy(held.message() + " (it did not answer the request to commit now)");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

std::optional<std::string> DropArea::TakeCommitRequest() {
  std::string path = dir_ + "/commit-request";
  auto request = ReadWholeFile(path);
  if (!request.ok()) return std::nullopt;
  ::unlink(path.c_str());
  return request->substr(0, request->find('\n'));
}

Status DropArea::AnswerCommitRequest(const std::string& id, const Result<std::string>& outcome) {
  std::string text = outcome.ok() ? *outcome : outcome.status().message();
  return WriteFileAtomic(dir_ + "/commit-reply",
                         id + "\n" + (outcome.ok() ? "ok" : "error") + "\n" + text + "\n");
}

Status DropArea::Clear() {
  ARBOR_RETURN_IF_ERROR(RemoveAll(staging_));
  ARBOR_RETURN_IF_ERROR(MakeDirs(staging_));
  if (::unlink(marker_.c_str()) != 0 && errno != ENOENT)
    return Status::FromErrno(errno, "removing " + marker_);
  ARBOR_RETURN_IF_ERROR(FsyncDir(dir_));
  used_ = 0;
  return Status::Ok();
}

Result<std::string> DropArea::MakeSnapshot(Repository& repo, const std::string& id) {
  ARBOR_ASSIGN_OR_RETURN(std::vector<Snapshot> snapshots, repo.ListSnapshots());
  std::string at = "/";
  const Snapshot* newest = nullptr;
  for (const auto& s : snapshots) {
    if (!IsPartial(s) && (newest == nullptr || s.time_ns > newest->time_ns)) newest = &s;
  }
  if (newest != nullptr && newest->paths.size() == 1 && !newest->paths[0].empty() &&
      newest->paths[0][0] == '/')
    at = newest->paths[0];
  RebasedSource source(staging_, at);
  BackupOptions options;
  options.paths = {at};
  options.tags = {"drop"};
  options.hostname = ThisHost();
  options.no_parent = true;
  options.source_snapshot = "drop:" + id;
  ARBOR_ASSIGN_OR_RETURN(BackupResult r, RunBackup(repo, source, options));
  std::string said = "snapshot " + r.snapshot.id.Hex().substr(0, 8) + " tagged drop (" +
                     std::to_string(r.snapshot.stats.files_total) + " files, " +
                     std::to_string(r.snapshot.stats.bytes_total) + " bytes, at " + at + ")";
  if (r.snapshot.stats.errors > 0)
    said += "; " + std::to_string(r.snapshot.stats.errors) +
            " entries could not be read: " + (r.warnings.empty() ? std::string() : r.warnings.front());
  return said;
}

Result<std::string> DropArea::Commit(Repository& repo) {
  if (IsEmptyDir(staging_)) return std::string();
  ARBOR_RETURN_IF_ERROR(SyncTree(staging_));
  std::string id = NewDropId();
  ARBOR_RETURN_IF_ERROR(WriteFileAtomic(marker_, id + "\n"));
  ARBOR_ASSIGN_OR_RETURN(std::string said, MakeSnapshot(repo, id));
  ARBOR_RETURN_IF_ERROR(Clear());
  return "the drop was committed as " + said;
}

Result<std::string> DropArea::Recover(Repository& repo, bool commit_unsealed) {
  auto marker = ReadWholeFile(marker_);
  if (marker.ok()) {
    std::string id = marker->substr(0, marker->find('\n'));
    ARBOR_ASSIGN_OR_RETURN(std::vector<Snapshot> snapshots, repo.ListSnapshots());
    auto done = std::find_if(snapshots.begin(), snapshots.end(),
                             [&](const Snapshot& s) { return s.source_snapshot == "drop:" + id; });
    if (done != snapshots.end()) {
      ARBOR_RETURN_IF_ERROR(Clear());
      return "a drop whose commit was interrupted had been saved whole as snapshot " +
             done->id.Hex().substr(0, 8) + "; its staged copy was removed";
    }
    ARBOR_ASSIGN_OR_RETURN(std::string said, MakeSnapshot(repo, id));
    ARBOR_RETURN_IF_ERROR(Clear());
    return "a drop whose commit was interrupted was committed whole now as " + said;
  }
  if (!marker.status().Is(StatusCode::kNotFound)) return marker.status();
  if (IsEmptyDir(staging_)) return std::string();
  if (commit_unsealed) {
    ARBOR_ASSIGN_OR_RETURN(std::string said, Commit(repo));
    return "a drop left by a mount that did not end cleanly " + said.substr(said.find("was committed"));
  }
  std::string aside = dir_ + "/discarded-" + UtcNow();
  if (::rename(staging_.c_str(), aside.c_str()) != 0) return Status::FromErrno(errno, "moving " + staging_);
  ARBOR_RETURN_IF_ERROR(Clear());
  return "a drop left unfinished by a mount that did not end cleanly (killed?) was discarded, not committed: "
         "its files are in " +
         aside + " (`arbor mount --commit-drop` would have committed them; delete the folder when done)";
}

Status DropArea::Grow(uint64_t bytes) {
  if (bytes == 0) return Status::Ok();
  if (used_.load() + bytes > limit_)
    return Status::NoSpace("the drop directory's limit (--drop-limit " + std::to_string(limit_) +
                           " bytes) is reached");
  used_ += bytes;
  return Status::Ok();
}

void DropArea::Freed(uint64_t bytes) {
  uint64_t cur = used_.load();
  while (!used_.compare_exchange_weak(cur, cur - std::min(cur, bytes))) {
  }
}

Result<size_t> DropArea::Write(int fd, const char* data, size_t n, off_t off) {
  std::lock_guard lock(write_mu_);
  struct stat st {};
  if (::fstat(fd, &st) != 0) return Status::FromErrno(errno, "stat of a dropped file");
  uint64_t end = static_cast<uint64_t>(off) + n;
  uint64_t size = static_cast<uint64_t>(st.st_size);
  if (end > size) ARBOR_RETURN_IF_ERROR(Grow(end - size));
  ssize_t w = ::pwrite(fd, data, n, off);
  if (w < 0) {
    int err = errno;
    if (end > size) Freed(end - size);
    return Status::FromErrno(err, "writing a dropped file");
  }
  if (static_cast<uint64_t>(w) < n && end > size) Freed(n - static_cast<uint64_t>(w));
  return static_cast<size_t>(w);
}

Status DropArea::Truncate(int fd, const std::string& path, off_t size) {
  std::lock_guard lock(write_mu_);
  struct stat st {};
  int rc = fd >= 0 ? ::fstat(fd, &st) : ::lstat(path.c_str(), &st);
  if (rc != 0) return Status::FromErrno(errno, "stat of a dropped file");
  if (size > st.st_size) ARBOR_RETURN_IF_ERROR(Grow(static_cast<uint64_t>(size - st.st_size)));
  rc = fd >= 0 ? ::ftruncate(fd, size) : ::truncate(path.c_str(), size);
  if (rc != 0) {
    int err = errno;
    if (size > st.st_size) Freed(static_cast<uint64_t>(size - st.st_size));
    return Status::FromErrno(err, "truncating a dropped file");
  }
  if (size < st.st_size) Freed(static_cast<uint64_t>(st.st_size - size));
  return Status::Ok();
}

}  // namespace arbor
