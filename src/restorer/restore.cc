#include "restorer/restore.h"

#include <chrono>
#include <mutex>
#include <unordered_map>

#include "browse/tree_walk.h"
#include "pipeline/task_pool.h"
#include "restorer/include_paths.h"
#include "restorer/overwrite.h"

namespace arbor {
namespace {

class Restorer {
 public:
  Restorer(Repository& repo, RestoreTarget& target, const RestoreOptions& options)
      : repo_(repo),
        target_(target),
        options_(options),
        pool_(options.threads > 0 ? options.threads : DefaultThreads(), 256) {}

  Status Run(const Digest& root) {
    Node root_node;
    root_node.kind = NodeKind::kDirectory;
    ARBOR_RETURN_IF_ERROR(target_.MakeDirectory("/", root_node));
    struct Frame {
      std::string path;  // in the snapshot
      Digest tree;
    };
    std::vector<Frame> stack{{"/", root}};
    while (!stack.empty() && !Failed()) {
      Frame f = std::move(stack.back());
      stack.pop_back();
      auto nodes = repo_.LoadTree(f.tree);
      if (!nodes.ok()) {
        if (f.tree == root) return nodes.status().Annotate("the snapshot's root directory");
        // A lost directory object costs what is below it, not the restore.
        Damaged(f.path + "/ (everything below it)", nodes.status());
        continue;
      }
      FileRun run;
      for (auto& node : *nodes) {
        std::string path = JoinPath(f.path, node.name);
        Wanted w = Want(options_.includes, path);
        if (w == Wanted::kNo) continue;
        if (node.IsDir()) {
          if (CreateDir(path, node)) stack.push_back({path, *node.subtree});
        } else if (w == Wanted::kYes) {
          Dispatch(f.path, path, std::move(node), &run);
        }
      }
      SubmitRun(f.path, &run);
    }
    pool_.Wait();
    if (Failed()) return fatal_;
    for (const auto& [path, existing] : links_) Check(target_.MakeHardLink(path, existing));
    for (auto it = dirs_.rbegin(); it != dirs_.rend(); ++it)
      Check(target_.FinishDirectory(it->first, it->second));
    for (auto& w : target_.TakeWarnings()) Warn(Status::IOError(w));
    return Status::Ok();
  }

  RestoreResult TakeResult() {
    RestoreResult r;
    r.damaged = std::move(damaged_);
    r.files = files_;
    r.files_skipped = skipped_;
    r.dirs = dirs_.size();
    r.bytes = progress_.bytes_done;
    r.errors = errors_;
    r.warnings = std::move(warnings_);
    return r;
  }
  ProgressCounters& progress() { return progress_; }

 private:
  bool CreateDir(const std::string& path, const Node& node) {
    Status st = target_.MakeDirectory(path, node);
    if (!st.ok()) {
      Warn(st);
      return false;
    }
    Node meta = node;
    meta.content.clear();
    dirs_.emplace_back(path, std::move(meta));
    return true;
  }

  // Regular files of one directory handed to one thread together (see DirectoryFiles):
  // a run ends at the target's FilesPerRun() files or kRunBytes bytes, so that a large
  // directory still keeps every thread busy.
  static constexpr uint64_t kRunBytes = 32ULL << 20;
  struct FileRun {
    std::vector<Node> files;
    uint64_t bytes = 0;
  };

  void Dispatch(const std::string& dir, const std::string& path, Node node, FileRun* run) {
    if (node.IsFile() && node.hardlink_group != 0) {
      auto [it, first] = hardlinks_.emplace(node.hardlink_group, path);
      if (!first) {
        links_.emplace_back(path, it->second);
        return;
      }
    }
    if (!node.IsFile()) {
      if (Check(target_.MakeSpecial(path, node))) CountFile();
      return;
    }
    run->bytes += node.size;
    run->files.push_back(std::move(node));
    if (run->files.size() >= target_.FilesPerRun() || run->bytes >= kRunBytes) SubmitRun(dir, run);
  }

  void SubmitRun(const std::string& dir, FileRun* run) {
    if (run->files.empty()) return;
    pool_.Submit([this, dir, files = std::move(run->files)] {
      auto writer = target_.OpenFiles(dir);
      for (const Node& node : files) {
        if (Failed()) return;
        std::string path = JoinPath(dir, node.name);
        if (KeepExisting(path, node)) continue;
        ContentProducer content = [&](const PieceWriter& write) { return Produce(node, write); };
        Status st = writer.ok() ? (*writer)->Write(node.name, node, content) : writer.status();
        Report(path, st);
      }
    });
    *run = FileRun();
  }

  // Counts a file written, or says why it was not.
  void Report(const std::string& path, const Status& st) {
    if (st.ok()) return CountFile();
    // A full target stops the restore. A file whose data the repository lost or
    // damaged is listed and left out (the target removed what it had written), and
    // the restore goes on with the others; so does a file the target refuses.
    if (st.Is(StatusCode::kNoSpace))
      return Fail(Status::NoSpace("no space left on " + target_.Describe() + " while writing " + path));
    if (st.Is(StatusCode::kCorruption) || st.Is(StatusCode::kNotFound)) return Damaged(path, st);
    Warn(st);
  }

  // Whether the overwrite policy keeps the file already at `path` (counted as skipped).
  bool KeepExisting(const std::string& path, const Node& node) {
    if (!KeepsExisting(target_, options_.overwrite, path, node)) return false;
    std::lock_guard lock(mu_);
    skipped_++;
    return true;
  }

  // Delivers a file's bytes: the concatenated blobs laid over its data extents (the
  // whole file when dense); the gaps stay holes.
  Status Produce(const Node& node, const PieceWriter& write) {
    std::vector<Extent> extents = node.data_extents;
    if (extents.empty()) extents.push_back({0, node.size});
    size_t ext = 0;
    uint64_t used = 0;
    for (const auto& id : node.content) {
      ARBOR_ASSIGN_OR_RETURN(std::string data, repo_.LoadBlob(id));
      std::string_view rest = data;
      while (!rest.empty()) {
        if (ext >= extents.size())
          return Status::Corruption("content of " + node.name + " overruns its extents");
        size_t n = static_cast<size_t>(std::min<uint64_t>(extents[ext].length - used, rest.size()));
        ARBOR_RETURN_IF_ERROR(write(extents[ext].offset + used, rest.substr(0, n)));
        rest.remove_prefix(n);
        used += n;
        if (used == extents[ext].length) {
          ++ext;
          used = 0;
        }
      }
      progress_.bytes_done += data.size();
    }
    return Status::Ok();
  }

  bool Check(const Status& st) {
    if (!st.ok()) Warn(st);
    return st.ok();
  }
  void CountFile() {
    std::lock_guard lock(mu_);
    files_++;
    progress_.files_done++;
  }
  void Warn(const Status& st) {
    std::lock_guard lock(mu_);
    errors_++;
    progress_.errors++;
    warnings_.push_back(st.message());
  }
  void Damaged(const std::string& path, const Status& st) {
    std::lock_guard lock(mu_);
    errors_++;
    progress_.errors++;
    damaged_.push_back(path);
    warnings_.push_back("not restored, its data is damaged or missing in the repository: " + path + " (" +
                        st.message() + ")");
  }
  void Fail(const Status& st) {
    std::lock_guard lock(mu_);
    if (fatal_.ok()) fatal_ = st;
    failed_ = true;
  }
  bool Failed() const { return failed_; }

  Repository& repo_;
  RestoreTarget& target_;
  const RestoreOptions& options_;
  TaskPool pool_;
  ProgressCounters progress_;
  std::atomic<bool> failed_{false};
  // Walker-thread only:
  std::vector<std::pair<std::string, Node>> dirs_;
  std::unordered_map<uint64_t, std::string> hardlinks_;
  std::vector<std::pair<std::string, std::string>> links_;

  std::mutex mu_;
  Status fatal_;                       // guarded by mu_
  uint64_t files_ = 0;                 // guarded by mu_
  uint64_t skipped_ = 0;               // guarded by mu_
  uint64_t errors_ = 0;                // guarded by mu_
  std::vector<std::string> warnings_;  // guarded by mu_
  std::vector<std::string> damaged_;   // guarded by mu_
};

}  // namespace

Result<RestoreResult> RunRestore(Repository& repo, const Snapshot& snapshot, RestoreTarget& target,
                                 const RestoreOptions& options) {
  auto start = std::chrono::steady_clock::now();
  Restorer restorer(repo, target, options);
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
