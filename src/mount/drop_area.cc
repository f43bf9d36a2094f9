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
#include <cstdio>
#include <ctime>

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

}  // namespace

DropArea::DropArea(std::string dir, UniqueFd lock, uint64_t limit)
    : dir_(std::move(dir)),
      staging_(dir_ + "/staging"),
      marker_(dir_ + "/commit"),
      lock_(std::move(lock)),
      limit_(limit) {}

Result<std::unique_ptr<DropArea>> DropArea::Open(const std::string& root, const Repository& repo,
                                                 uint64_t limit_bytes) {
  std::string ns = repo.store()->Describe() + "\n" + repo.prefix();
  std::string dir = root + "/" + Sha256Of(ns).Hex().substr(0, 16);
  ARBOR_RETURN_IF_ERROR(MakeDirs(dir + "/staging"));
  UniqueFd lock(::open((dir + "/lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!lock.valid()) return Status::FromErrno(errno, "opening " + dir + "/lock");
  if (::flock(lock.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK)
      return Status::Busy("the drop area " + dir + " is in use by another arbor mount of this namespace");
    return Status::FromErrno(errno, "locking " + dir + "/lock");
  }
  ARBOR_RETURN_IF_ERROR(WriteFileAtomic(dir + "/namespace", ns + "\n"));
  std::unique_ptr<DropArea> area(new DropArea(dir, std::move(lock), limit_bytes));
  area->used_ = StagedBytes(area->staging_);
  return area;
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
