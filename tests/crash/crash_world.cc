#include "crash/crash_world.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "archiver/backup.h"
#include "base/file_util.h"
#include "checker/repair.h"
#include "checker/verify.h"
#include "hash/sha256.h"
#include "repo/format.h"
#include "restorer/restore.h"
#include "shares/posix_source.h"
#include "shares/posix_target.h"
#include "store/open_store.h"
#include "support/random_bytes.h"
#include "support/temp_dir.h"

namespace arbor::crash {
namespace fs = std::filesystem;
namespace {

constexpr int kCrashExit = 77;
constexpr int64_t kBaseTime = 1700000000;
constexpr std::string_view kVersionTagPrefix = "v";

// Version v of the tree: file i exists unless (7i + v) % 11 == 0, its content changes
// every 1, 2 or 3 versions, and the tree grows by one file per version.
std::map<std::string, std::pair<std::string, int64_t>> FilesOf(int v, int files) {
  std::map<std::string, std::pair<std::string, int64_t>> out;
  for (int i = 0; i < files + v; ++i) {
    if ((7 * i + v) % 11 == 0) continue;
    uint64_t seed = static_cast<uint64_t>(i) * 131 + static_cast<uint64_t>(v / (1 + i % 3));
    std::string dir = "d" + std::to_string(i % 4) + (i % 3 == 0 ? "/e" + std::to_string(i % 2) : "");
    out[dir + "/f" + std::to_string(i)] = {testing::RandomBytes(seed, 1000 + (seed * 7919) % 9000),
                                           kBaseTime + static_cast<int64_t>(seed)};
  }
  return out;
}

void SetTimes(const std::string& path, int64_t seconds) {
  timespec ts[2] = {{seconds, 0}, {seconds, 0}};
  ::utimensat(AT_FDCWD, path.c_str(), ts, AT_SYMLINK_NOFOLLOW);
}

std::string Join(const std::vector<std::string>& lines) {
  std::ostringstream out;
  for (const auto& l : lines) out << "\n    " << l;
  return out.str();
}

std::optional<int> VersionOf(const Snapshot& s) {
  for (const auto& t : s.tags) {
    if (t.rfind(kVersionTagPrefix, 0) == 0 && t.size() > 1 &&
        std::isdigit(static_cast<unsigned char>(t[1]))) {
      return std::stoi(t.substr(1));
    }
  }
  return std::nullopt;
}

}  // namespace

Manifest CaptureTree(const std::string& root) {
  Manifest m;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    std::string rel = it->path().string().substr(root.size());
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0) {
      m[rel] = "unreadable";
      continue;
    }
    std::string kind = S_ISDIR(st.st_mode) ? "dir" : S_ISLNK(st.st_mode) ? "link" : "file";
    std::string entry = kind + " mode=" + std::to_string(st.st_mode & 07777);
    if (S_ISREG(st.st_mode)) {
      auto data = ReadWholeFile(it->path());
      entry += " size=" + std::to_string(st.st_size) + " mtime=" + std::to_string(st.st_mtim.tv_sec) +
               " sha=" + (data.ok() ? Sha256Of(*data).Hex().substr(0, 16) : "unreadable");
    } else if (S_ISLNK(st.st_mode)) {
      entry += " -> " + fs::read_symlink(it->path(), ec).string();
    }
    m[rel] = entry;
  }
  return m;
}

CrashWorld::CrashWorld(WorldOptions options) : options_(options) {
  dir_ = testing::MakeTempDir("arbor-crash");
  src_ = dir_ + "/src";
  template_dir_ = dir_ + "/template";
  (void)MakeDirs(src_);
  auto store = OpenObjectStore(template_dir_, true);
  RepoConfig config = RepoConfig::NewRandom();
  config.pack_size = options_.pack_size;
  crypto::KdfParams kdf = crypto::KdfParams::Default();
  if (!options_.passphrase.empty()) {
    credential_ = std::make_unique<crypto::Credential>(
        crypto::Credential::Passphrase(crypto::SecretBytes(options_.passphrase)));
    kdf.memory_kib = 1024;
    kdf.time_cost = 1;
  }
  if (!options_.next_passphrase.empty()) {
    next_credential_ = std::make_unique<crypto::Credential>(
        crypto::Credential::Passphrase(crypto::SecretBytes(options_.next_passphrase)));
  }
  auto repo = Repository::Init(std::move(store).value(), "t", "s", config, credential_.get(), kdf);
  if (!repo.ok()) {
    std::fprintf(stderr, "crash world: %s\n", repo.status().ToString().c_str());
    std::abort();
  }
  template_ = std::move(repo).value();
}

CrashWorld::~CrashWorld() {
  template_.reset();
  (void)RemoveAll(dir_);
}

void CrashWorld::WriteVersion(int v) {
  auto files = FilesOf(v, options_.files);
  // Remove what version v does not have.
  std::vector<fs::path> extra;
  for (auto it = fs::recursive_directory_iterator(src_); it != fs::recursive_directory_iterator(); ++it) {
    if (it->is_regular_file() && files.count(it->path().string().substr(src_.size() + 1)) == 0) {
      extra.push_back(it->path());
    }
  }
  for (const auto& p : extra) fs::remove(p);
  for (const auto& [rel, content] : files) {
    std::string path = src_ + "/" + rel;
    auto existing = ReadWholeFile(path);
    if (!existing.ok() || *existing != content.first) {
      (void)MakeDirs(path.substr(0, path.rfind('/')));
      (void)WriteFileAtomic(path, content.first);
      ::chmod(path.c_str(), 0640);
    }
    SetTimes(path, content.second);
  }
  std::error_code ec;
  fs::remove(src_ + "/link", ec);
  fs::create_symlink("d0/f" + std::to_string(v % 3 == 0 ? 4 : 8), src_ + "/link", ec);
  // Directory times last, deepest first, so the manifest is a function of v alone.
  std::vector<std::string> dirs;
  for (auto it = fs::recursive_directory_iterator(src_); it != fs::recursive_directory_iterator(); ++it) {
    if (it->is_directory() && !it->is_symlink()) dirs.push_back(it->path().string());
  }
  std::sort(dirs.rbegin(), dirs.rend());
  for (const auto& d : dirs) SetTimes(d, kBaseTime);
  SetTimes(src_, kBaseTime);
  current_version_ = v;
  versions_[v] = CaptureTree(src_);
  if (template_) template_version_ = std::max(template_version_, v);
}

Result<Snapshot> CrashWorld::Backup(Repository& repo, std::vector<std::string> tags) {
  PosixSource source;
  BackupOptions opts;
  opts.paths = {src_};
  opts.hostname = "crash";
  opts.threads = 1;
  opts.tags = std::move(tags);
  opts.tags.push_back(std::string(kVersionTagPrefix) + std::to_string(current_version_));
  ARBOR_ASSIGN_OR_RETURN(BackupResult r, RunBackup(repo, source, opts));
  return r.snapshot;
}

Snapshot CrashWorld::BackupVersion(Repository& repo, int v) {
  WriteVersion(v);
  auto s = Backup(repo);
  if (!s.ok()) return Snapshot{};
  must_keep_.insert(s->id);
  return *s;
}

Result<std::unique_ptr<Repository>> CrashWorld::OpenAt(const std::string& repo_dir, FaultPlan plan) {
  return OpenFaulty(repo_dir, plan);
}

Result<std::unique_ptr<Repository>> CrashWorld::OpenFaulty(const std::string& repo_dir, const FaultPlan& plan,
                                                           FaultInjectingStore** faulty_out) {
  auto open_with = [&](const crypto::Credential* credential) -> Result<std::unique_ptr<Repository>> {
    ARBOR_ASSIGN_OR_RETURN(auto store, OpenObjectStore(repo_dir, false));
    auto faulty = std::make_unique<FaultInjectingStore>(std::move(store), plan);
    if (faulty_out != nullptr) *faulty_out = faulty.get();
    return Repository::Open(std::move(faulty), "t", "s", credential);
  };
  auto repo = open_with(credential_.get());
  if (next_credential_ && repo.status().Is(StatusCode::kPermissionDenied))
    return open_with(next_credential_.get());
  return repo;
}

Result<std::optional<std::vector<std::string>>> CrashWorld::RunInChild(const std::string& repo_dir,
                                                                       const Command& command,
                                                                       FaultPlan plan) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return Status::FromErrno(errno, "pipe");
  pid_t pid = ::fork();
  if (pid < 0) return Status::FromErrno(errno, "fork");
  if (pid == 0) {
    ::close(pipe_fds[0]);
    plan.on_crash = [] { ::_exit(kCrashExit); };
    FaultInjectingStore* counter = nullptr;
    Status st;
    {
      auto repo = OpenFaulty(repo_dir, plan, &counter);
      if (!repo.ok()) ::_exit(3);
      st = command(**repo, *this);
      std::string log;
      for (const auto& line : counter->Log()) log += line + "\n";
      (void)WriteFull(pipe_fds[1], log, "log pipe");
    }
    ::_exit(st.ok() ? 0 : 1);
  }
  ::close(pipe_fds[1]);
  std::string log;
  char buf[4096];
  for (ssize_t n; (n = ::read(pipe_fds[0], buf, sizeof(buf))) > 0;) log.append(buf, static_cast<size_t>(n));
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status))
    return Status::Internal("the child died of signal " + std::to_string(WTERMSIG(status)));
  int code = WEXITSTATUS(status);
  if (code == kCrashExit) return std::optional<std::vector<std::string>>();
  if (code != 0)
    return Status::Internal("the command failed without a crash (child exit " + std::to_string(code) + ")");
  std::vector<std::string> lines;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return std::optional<std::vector<std::string>>(std::move(lines));
}

Result<std::vector<std::string>> CrashWorld::OperationLog(const Command& command) {
  template_.reset();  // the template is read-only from here on
  std::string work = dir_ + "/work";
  (void)RemoveAll(work);
  fs::copy(template_dir_, work, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  int version_before = current_version_;
  auto whole = RunInChild(work, command, FaultPlan{});
  if (current_version_ != version_before) WriteVersion(version_before);
  if (!whole.ok()) return whole.status();
  if (!*whole) return Status::Internal("crashed without a planned crash");
  return std::move(**whole);
}

std::vector<std::string> CrashWorld::CheckSnapshots(Repository& repo, const std::set<Digest>& expected) {
  std::vector<std::string> failures;
  auto listed = repo.ListSnapshots();
  if (!listed.ok()) return {"snapshots cannot be listed: " + listed.status().ToString()};
  std::set<Digest> present;
  for (const Snapshot& s : *listed) {
    present.insert(s.id);
    if (IsPartial(s)) continue;
    auto v = VersionOf(s);
    if (!v || versions_.count(*v) == 0) {
      failures.push_back("snapshot " + s.id.Hex().substr(0, 8) + " has no version tag");
      continue;
    }
    std::string target = dir_ + "/restore";
    (void)RemoveAll(target);
    PosixTarget posix(target);
    RestoreOptions ropts;
    ropts.threads = 2;
    auto r = RunRestore(repo, s, posix, ropts);
    if (!r.ok() || r->errors != 0) {
      failures.push_back("snapshot " + s.id.Hex().substr(0, 8) +
                         " does not restore: " + (r.ok() ? Join(r->warnings) : r.status().ToString()));
      continue;
    }
    Manifest restored = CaptureTree(target + src_);
    const Manifest& want = versions_[*v];
    // A snapshot `repair snapshots` rewrote lacks what was lost: what it has must match.
    bool repaired = std::find(s.tags.begin(), s.tags.end(), "repaired") != s.tags.end();
    bool same = restored == want;
    if (repaired) {
      same = true;
      for (const auto& [path, entry] : restored) {
        auto it = want.find(path);
        bool dir = entry.rfind("dir", 0) == 0;  // directories lose their times when emptied
        same = same && it != want.end() && (dir ? it->second.rfind("dir", 0) == 0 : it->second == entry);
      }
    }
    if (!same) {
      failures.push_back("snapshot " + s.id.Hex().substr(0, 8) + " restores different from version " +
                         std::to_string(*v));
    }
  }
  for (const auto& id : expected) {
    if (present.count(id) == 0) failures.push_back("snapshot " + id.Hex().substr(0, 8) + " was lost");
  }
  return failures;
}

std::vector<std::string> CrashWorld::Recover(const std::string& repo_dir, const Command& command, bool torn) {
  std::vector<std::string> failures;
  auto repo = OpenAt(repo_dir);
  if (!repo.ok()) return {"the repository does not open after the crash: " + repo.status().ToString()};
  if (torn) {
    // A torn object breaks the store's contract; the repair commands make the
    // repository whole again without losing what any acknowledged snapshot holds.
    auto index = RepairIndex(**repo, RepairIndexOptions{});
    if (!index.ok()) return {"repair index fails: " + index.status().ToString()};
    RepairSnapshotsOptions forget;
    forget.forget = true;
    auto snapshots = RepairSnapshots(**repo, forget);
    if (!snapshots.ok()) return {"repair snapshots fails: " + snapshots.status().ToString()};
    for (const auto& r : snapshots->repaired) {
      if (must_keep_.count(r.original) != 0) {
        failures.push_back("snapshot " + r.original.Hex().substr(0, 8) +
                           " lost data: repair had to rewrite it");
      }
    }
  }
  Status again = command(**repo, *this);
  if (!again.ok()) return {"the command run again fails: " + again.ToString()};
  WriteVersion(command_version() + 1);
  auto fresh = Backup(**repo);
  if (!fresh.ok()) return {"a backup after the rerun fails: " + fresh.status().ToString()};
  VerifyOptions vopts;
  vopts.read_data = true;
  auto verified = RunVerify(**repo, vopts);
  if (!verified.ok()) return {"verify fails: " + verified.status().ToString()};
  for (const auto& p : verified->problems) failures.push_back("verify: " + p.message);
  auto checked = CheckSnapshots(**repo, must_keep_);
  failures.insert(failures.end(), checked.begin(), checked.end());
  return failures;
}

std::vector<std::string> CrashWorld::CrashAndRecover(const std::string& name, const Command& command,
                                                     uint64_t k, FaultPlan::Effect effect) {
  template_.reset();  // the template is read-only from here on
  std::string work = dir_ + "/work";
  (void)RemoveAll(work);
  fs::copy(template_dir_, work, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  int version_before = current_version_;
  FaultPlan plan;
  plan.crash_at = k;
  plan.effect = effect;
  std::string where =
      name + " crashed at write " + std::to_string(k) + " (" + std::string(EffectName(effect)) + ")";
  auto ran = RunInChild(work, command, plan);
  std::vector<std::string> failures;
  if (!ran.ok()) {
    failures.push_back(where + ": " + ran.status().ToString());
  } else if (*ran) {
    failures.push_back(where + ": the command ended before its write " + std::to_string(k));
  } else {
    for (auto& f : Recover(work, command, effect == FaultPlan::Effect::kTorn))
      failures.push_back(where + ": " + f);
  }
  if (current_version_ != version_before) WriteVersion(version_before);
  return failures;
}

CrashWorld::SweepReport CrashWorld::Sweep(const std::string& name, const Command& command,
                                          const SweepOptions& options) {
  SweepReport report;
  auto log = OperationLog(command);
  if (!log.ok()) {
    report.failures.push_back(name + " does not run uninterrupted: " + log.status().ToString());
    return report;
  }
  report.mutations = log->size();
  for (uint64_t k = 0; k < report.mutations; k += std::max<uint64_t>(1, options.stride)) {
    for (auto effect : options.effects) {
      report.runs++;
      for (auto& f : CrashAndRecover(name, command, k, effect))
        report.failures.push_back(f + " [" + (*log)[k] + "]");
    }
  }
  return report;
}

}  // namespace arbor::crash
