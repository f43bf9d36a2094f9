#include "archiver/backup.h"

#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>

#include "archiver/exclude.h"
#include "archiver/file_saver.h"
#include "archiver/index_detector.h"
#include "archiver/list_prefetcher.h"
#include "archiver/moved_entries.h"
#include "archiver/range_reuse.h"
#include "browse/tree_walk.h"
#include "pipeline/task_pool.h"
#include "repo/staging.h"
#include "repo/tree_codec.h"
#include "share_index/share_index.h"
#include "version.h"

namespace arbor {
namespace {

constexpr size_t kMaxQueuedFiles = 512;

// Small files per task (issue 17). A worker woken for each file cost a futex wake-up
// and a switch per file, a visible share of a small file's ~50 us of CPU; a batch of a
// directory's small files costs one. 1 MiB keeps a batch's read time near one file's.
constexpr int kFilesPerTask = 64;
constexpr uint64_t kBytesPerTask = 1 << 20;

size_t FilesPerTask(const BackupOptions& options, const Source& source) {
  if (options.files_per_task > 0) return static_cast<size_t>(options.files_per_task);
  return source.BatchSmallFiles() ? kFilesPerTask : 1;
}

// The pool's queue bound: kMaxQueuedFiles files whether they come alone or in batches
// (the queue holds their directories' nodes alive), but never so few tasks that the
// workers run dry while the walker lists the next directory.
size_t MaxQueuedTasks(size_t files_per_task, int threads) {
  return std::max(kMaxQueuedFiles / files_per_task, static_cast<size_t>(4 * threads));
}

// Restore does not gain from two threads per core (it measured slower): only backup uses them.
int DefaultBackupThreads() { return DefaultFileThreads(); }

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A directory whose object is being assembled. Shared by the walker, the file tasks
// of its children and its child directories; stored when `pending` drops to zero.
struct DirJob {
  std::string path;
  std::shared_ptr<DirJob> parent;
  size_t slot = 0;  // our index in parent->nodes
  std::vector<Node> nodes;
  std::vector<char> dropped;    // children left out (unreadable)
  std::atomic<int> pending{1};  // outstanding children + 1 held by the walker
  // Set when the node index found every child unchanged: the parent snapshot's tree
  // for this directory, reused as is unless a subdirectory turns out to differ.
  std::optional<Digest> unchanged_tree;
  std::optional<Digest> expected;           // the subtree id the parent had for us
  std::atomic<bool> subdir_changed{false};  // a child directory's id differs from expected
  uint64_t device = 0;                      // of the directory itself (Node::device)
  bool other_device = false;                // on another file system than its parent
};

// The directories named on the command line, and the directories above them that
// the snapshot must contain to reach them ("/home/u/data" -> "home" -> "u" -> "data").
struct PathTrie {
  std::map<std::string, PathTrie> children;
  bool target = false;   // backed up whole
  bool shallow = false;  // its own non-directory entries are backed up too

  // Every named directory below `dir` (Stat) and the targets among them (List), in walk
  // order: a parent before its children, siblings by name.
  void Collect(const std::string& dir, std::vector<std::string>* stat, std::vector<std::string>* list) const {
    for (const auto& [name, child] : children) {
      std::string path = dir == "/" ? "/" + name : dir + "/" + name;
      stat->push_back(path);
      if (child.target) list->push_back(path);
      child.Collect(path, stat, list);
    }
  }

  void Add(const std::string& path, bool whole = true) {
    PathTrie* t = this;
    size_t pos = 1;
    while (pos < path.size()) {
      size_t slash = path.find('/', pos);
      if (slash == std::string::npos) slash = path.size();
      if (slash > pos) t = &t->children[path.substr(pos, slash - pos)];
      if (t->target) return;  // an ancestor is backed up whole
      pos = slash + 1;
    }
    if (!whole) {
      t->shallow = true;
      return;
    }
    t->target = true;
    t->children.clear();
  }
};

bool Unchanged(const Node& now, const Node& before) {
  return now.kind == before.kind && now.size == before.size && now.mtime_ns == before.mtime_ns &&
         now.ctime_ns == before.ctime_ns && now.inode == before.inode;
}

// A file's content as the parent snapshot recorded it.
void ReuseContent(const Node& old, Node* node) {
  node->content = old.content;
  node->chunk_sizes = old.chunk_sizes;
  node->data_extents = old.data_extents;
  node->quickxor = old.quickxor;
}

// For an entry whose ctime did not move, what the parent snapshot recorded is still
// true: xattrs and ACLs cannot change without touching ctime, and content not
// without touching mtime. The atime is kept from the parent too: reading a tree
// moves atimes, and recording that would make every directory object new on every
// backup of an unchanged tree.
void ReuseUnchanged(const Node& old, Node* node) {
  node->atime_ns = old.atime_ns;
  node->xattrs = old.xattrs;
  node->permission = old.permission;  // SMB security descriptor and metadata: also
  node->metadata = old.metadata;      // only loaded by LoadExtended
  if (node->IsFile()) ReuseContent(old, node);
}

// Which moved entries the parent snapshot is searched for (moved_entries.h).
MovedEntries::Options MovedOptions(const Source& source, const std::optional<Snapshot>& parent) {
  MovedEntries::Options options;
  if (source.FixedBirthTimes() && parent) {
    options.files = true;
    options.born_by_ns = parent->end_time_ns;
  }
  return options;
}

class Archiver {
 public:
  // `parent` is the snapshot changes are detected against, if any.
  Archiver(Repository& repo, Source& source, const BackupOptions& options,
           const std::optional<Snapshot>& parent, const node_index::NodeTree* parent_index)
      : repo_(repo),
        source_(source),
        options_(options),
        excludes_(options.excludes),
        files_per_task_(FilesPerTask(options, source)),
        pool_(
            options.threads > 0 ? options.threads : DefaultBackupThreads(),
            MaxQueuedTasks(files_per_task_, options.threads > 0 ? options.threads : DefaultBackupThreads())),
        progress_(options.progress_counters != nullptr ? *options.progress_counters : own_progress_),
        moved_(repo, source.StableFileIds() && parent ? std::optional<Digest>(parent->tree) : std::nullopt,
               MovedOptions(source, parent)),
        detector_(parent_index),
        previous_source_snapshot_(parent ? parent->source_snapshot : std::string()) {
    if (parent && !parent_index && options.tree_prefetch_threads > 0)
      trees_ = std::make_unique<TreePrefetcher>(repo, options.tree_prefetch_threads);
    int list_threads = options.list_ahead_threads < 0 ? DefaultThreads() : options.list_ahead_threads;
    // Only with a parent: a first backup's time is in reading files, which the pool does
    // on every core already; listing ahead there cost 6-14% more CPU (docs/benchmarks.md).
    if (parent && source.ListAhead() && list_threads > 0)
      lists_ = std::make_unique<ListPrefetcher>(source, list_threads);
  }

  Result<Digest> Run(const std::optional<Digest>& parent_tree) {
    PathTrie trie;
    for (const auto& p : options_.paths) trie.Add(p);
    for (const auto& p : options_.shallow_paths) trie.Add(p, /*whole=*/false);
    auto root = std::make_shared<DirJob>();
    root->path = "/";
    std::vector<std::string> stat, list;  // named directories: none for a whole tree
    if (!trie.target) {
      trie.Collect("/", &stat, &list);
      HintStats(trie, "/", parent_tree);
    }
    source_.Expect(stat, list);  // every backup, so that a source forgets the previous one's hints
    if (trie.target) {
      if (options_.one_file_system) {
        auto top = source_.Stat("/");
        if (top.ok()) root->device = top->device;
      }
      WalkDirectory(root, parent_tree);  // "/" itself is backed up (a whole share); releases root
    } else {
      ProcessVirtual(trie, root, parent_tree);
      Release(root);
    }
    FlushBatch();  // empty already: every directory flushes its own
    if (trees_) {  // the walk is over: nothing more will be taken
      tree_stats_ = trees_->stats();
      trees_.reset();
    }
    if (lists_) {
      list_stats_ = lists_->stats();
      lists_.reset();
    }
    pool_.Wait();
    std::lock_guard lock(mu_);
    if (!fatal_.ok()) return fatal_;
    if (!root_id_) return Status::Internal("backup finished without a root tree");
    return *root_id_;
  }

  ProgressCounters& progress() { return progress_; }
  TreePrefetchStats TreeStats() const { return tree_stats_; }
  WalkAheadStats ListStats() const { return list_stats_; }
  std::vector<std::string> TakeWarnings() {
    std::lock_guard lock(mu_);
    return std::move(warnings_);
  }

 private:
  // Virtual directories hold only the children on the way to the targets; a shallow one
  // also its own non-directory entries.
  void ProcessVirtual(const PathTrie& trie, const std::shared_ptr<DirJob>& job,
                      const std::optional<Digest>& parent_tree) {
    std::vector<Node> before = LoadParentNodes(job->path, parent_tree);
    for (const auto& [name, child] : trie.children) {  // before the Stats: they may wait on requests
      const Node* old = FindByName(before, name);
      if (old && old->IsDir()) ExpectTree(JoinPath(job->path, name), old->subtree);
    }
    if (trie.shallow) ListShallow(trie, job.get());
    for (const auto& [name, child] : trie.children) {
      std::string path = JoinPath(job->path, name);
      auto node = source_.Stat(path);
      if (!node.ok()) {
        Warn(node.status());
        continue;
      }
      if (!child.target && !node->IsDir()) {
        Warn(Status::InvalidArgument(path + " is not a directory"));
        continue;
      }
      job->nodes.push_back(std::move(node).value());
    }
    if (trie.shallow) {
      std::sort(job->nodes.begin(), job->nodes.end(),
                [](const Node& a, const Node& b) { return a.name < b.name; });
    }
    job->dropped.assign(job->nodes.size(), 0);
    for (size_t i = 0; i < job->nodes.size(); ++i) {
      const Node* old = FindByName(before, job->nodes[i].name);
      std::string path = JoinPath(job->path, job->nodes[i].name);
      auto named = trie.children.find(job->nodes[i].name);
      if (named == trie.children.end() || named->second.target) {  // a shallow directory's file, or a target
        HandleEntry(job, i, path, old);
        continue;
      }
      if (old && Unchanged(job->nodes[i], *old))
        ReuseUnchanged(*old, &job->nodes[i]);
      else
        LoadExtendedOrWarn(path, &job->nodes[i]);
      auto sub = MakeChild(job, i, path);
      ProcessVirtual(named->second, sub, old && old->IsDir() ? old->subtree : std::nullopt);
      Release(sub);
    }
    FlushBatch();
  }

  // Source::WillStatIn for every directory on the way to the targets, with its size in the
  // parent snapshot (unknown without one: no hint). Reads those trees once more than the
  // walk does; they are the few directories above the units.
  void HintStats(const PathTrie& trie, const std::string& dir, const std::optional<Digest>& tree) {
    if (!tree || trie.children.empty() || !source_.TakesStatHints()) return;
    auto nodes = repo_.LoadTree(*tree);
    if (!nodes.ok()) return;  // the walk warns about it
    source_.WillStatIn(dir, trie.children.size(), nodes->size(), trie.shallow);
    for (const auto& [name, child] : trie.children) {
      const Node* old = FindByName(*nodes, name);
      if (!child.target && old && old->IsDir()) HintStats(child, JoinPath(dir, name), old->subtree);
    }
  }

  // A shallow directory's own entries other than subdirectories (those are backed up by
  // other units, or named in the trie). It counts as a directory of this backup.
  void ListShallow(const PathTrie& trie, DirJob* job) {
    stats_.dirs_total++;
    std::vector<Node> listed;
    std::vector<Status> warnings;
    Status st = source_.List(job->path, &listed, &warnings);
    for (auto& w : warnings) Warn(w);
    if (!st.ok()) Warn(st);
    for (auto& node : listed) {
      if (node.IsDir() || trie.children.count(node.name)) continue;
      if (!excludes_.Empty() && excludes_.Excluded(JoinPath(job->path, node.name), node)) continue;
      job->nodes.push_back(std::move(node));
    }
  }

  // The first bytes of a small file (a CACHEDIR.TAG's signature); empty when unreadable.
  std::string ReadHead(const std::string& path, const Node& node) {
    std::string head(64, '\0');
    auto reader = source_.Open(path, node);
    if (!reader.ok()) return {};
    auto n = (*reader)->ReadAt(0, head.data(), head.size());
    head.resize(n.ok() ? *n : 0);
    return head;
  }

  std::shared_ptr<DirJob> MakeChild(const std::shared_ptr<DirJob>& job, size_t slot, const std::string& path,
                                    std::optional<Digest> expected = std::nullopt) {
    auto sub = std::make_shared<DirJob>();
    sub->path = path;
    sub->parent = job;
    sub->slot = slot;
    sub->expected = expected;
    sub->device = job->nodes[slot].device;
    job->pending++;
    return sub;
  }

  // One entry of a directory: files go to the pool (or reuse the parent's content),
  // directories are walked, everything else is recorded as is. `moved`: `old` was
  // found by file id under another name or in another directory.
  void HandleEntry(const std::shared_ptr<DirJob>& job, size_t i, const std::string& path, const Node* old,
                   bool moved = false) {
    Node& node = job->nodes[i];
    bool same = old && Unchanged(node, *old);
    if (node.IsDir()) {
      stats_.dirs_total++;
      if (same)
        ReuseUnchanged(*old, &node);
      else
        LoadExtendedOrWarn(path, &node);
      auto previous = old && old->IsDir() ? old->subtree : std::nullopt;
      WalkDirectory(MakeChild(job, i, path, previous), previous);
      return;
    }
    if (!node.IsFile()) {
      if (same)
        ReuseUnchanged(*old, &node);
      else
        LoadExtendedOrWarn(path, &node);
      return;
    }
    stats_.files_total++;
    stats_.bytes_total += node.size;
    bool same_content = same || (moved && SameFileMoved(node, *old));
    if (same_content && old->content.size() == old->chunk_sizes.size()) {
      if (same) {
        ReuseUnchanged(*old, &node);
      } else {  // the move set the ctime: the metadata is read again, the content is not
        ReuseContent(*old, &node);
        LoadExtendedOrWarn(path, &node);
      }
      progress_.files_done++;
      progress_.bytes_done += node.size;
      return;
    }
    if (Failed()) return;
    job->pending++;
    // A large file the parent snapshot holds under the same id may be saved from its
    // changed byte ranges only (range_reuse.h); `base` is a copy, `old` dies with ListInto.
    std::shared_ptr<const Node> base = RangeReuseBase(old, node, previous_source_snapshot_);
    if (!base) source_.WillRead(path, node);
    Dispatch(FileTask{job, i, path, std::move(base)}, node.size);
  }

  // A file for a worker to save: job->nodes[i], at `path`.
  struct FileTask {
    std::shared_ptr<DirJob> job;
    size_t i = 0;
    std::string path;
    std::shared_ptr<const Node> base;  // RangeReuseBase's, or null
  };

  // Hands a file to the pool, alone when batching is off or the file is not small, else
  // in the current batch, which goes once full or when its directory is listed
  // (FlushBatch). Each file holds its directory's `pending` until saved, so a batch may
  // span directories without a directory being stored early.
  void Dispatch(FileTask task, uint64_t size) {
    if (files_per_task_ <= 1 || size >= kBytesPerTask || task.base) {
      pool_.Submit([this, task = std::move(task)] { Save(task); });
      return;
    }
    batch_.push_back(std::move(task));
    batch_bytes_ += size;
    if (batch_.size() >= files_per_task_ || batch_bytes_ >= kBytesPerTask) FlushBatch();
  }

  void FlushBatch() {
    if (batch_.empty()) return;
    pool_.Submit([this, batch = std::move(batch_)] {
      for (const auto& task : batch) Save(task);
    });
    batch_.clear();  // moved from: valid, now empty for sure
    batch_bytes_ = 0;
  }

  void Save(const FileTask& task) {
    SaveFile(task.job, task.i, task.path, task.base.get());
    Release(task.job);
  }

  void SaveFile(const std::shared_ptr<DirJob>& job, size_t i, const std::string& path, const Node* base) {
    Node& node = job->nodes[i];
    bool from_file = source_.ExtendedFromOpenFile();
    if (!from_file) LoadExtendedOrWarn(path, &node);
    auto reader = source_.Open(path, node);
    if (from_file) {
      Status st = reader.ok() ? (*reader)->LoadExtended(&node) : source_.LoadExtended(path, &node);
      if (!st.ok()) Warn(st.Annotate(path));
    }
    Status read_error;
    uint64_t bytes_read = 0;
    if (reader.ok()) {
      Status st = base ? SaveChangedRanges(repo_, **reader, *base, previous_source_snapshot_, &node,
                                           &progress_, &bytes_read, &read_error)
                       : SaveFileContent(repo_, **reader, &node, &progress_, &bytes_read, &read_error);
      if (!st.ok()) return Fail(st.Annotate("saving " + path));
    } else {
      read_error = reader.status();
    }
    stats_.bytes_read += bytes_read;
    if (!read_error.ok()) {
      job->dropped[i] = 1;
      Warn(read_error.Annotate(path));
      return;
    }
    stats_.files_read++;
    progress_.files_done++;
  }

  // Depth-first over real directories, with an explicit stack so that very deep
  // trees cannot overflow the thread's stack.
  void WalkDirectory(std::shared_ptr<DirJob> start, std::optional<Digest> parent_tree) {
    struct Frame {
      std::shared_ptr<DirJob> job;
      std::vector<std::pair<size_t, std::optional<Digest>>> subdirs;  // slot, parent subtree
      size_t next = 0;
    };
    std::vector<Frame> stack;
    stack.push_back({std::move(start), {}, 0});
    ListInto(stack.back().job, parent_tree, &stack.back().subdirs);
    while (!stack.empty()) {
      Frame& top = stack.back();
      if (top.next == top.subdirs.size() || Failed()) {
        Release(top.job);
        stack.pop_back();
        continue;
      }
      auto [slot, subtree] = top.subdirs[top.next++];
      stats_.dirs_total++;
      std::string path = JoinPath(top.job->path, top.job->nodes[slot].name);
      Frame child{MakeChild(top.job, slot, path, subtree), {}, 0};
      child.job->other_device = options_.one_file_system && child.job->device != top.job->device;
      ListInto(child.job, subtree, &child.subdirs);
      stack.push_back(std::move(child));
    }
  }

  // Lists one directory into job->nodes and dispatches its non-directory entries;
  // returns the subdirectories (with their parent-snapshot subtrees) to descend into.
  void ListInto(const std::shared_ptr<DirJob>& job, const std::optional<Digest>& parent_tree,
                std::vector<std::pair<size_t, std::optional<Digest>>>* subdirs) {
    Listing listing = ListDirectory(job->path);
    job->nodes = std::move(listing.nodes);
    for (auto& w : listing.warnings) Warn(w);
    if (!listing.status.ok()) Warn(listing.status);  // an unreadable directory is kept, empty
    if (job->other_device) job->nodes.clear();       // -x: a mount point is kept, empty
    if (!excludes_.Empty()) {
      std::erase_if(job->nodes,
                    [&](const Node& n) { return excludes_.Excluded(JoinPath(job->path, n.name), n); });
      if (excludes_.HasDirectoryRules() && excludes_.ExcludesDirectory(job->nodes, [&](const Node& n) {
            return ReadHead(JoinPath(job->path, n.name), n);
          }))
        job->nodes.clear();
    }
    job->dropped.assign(job->nodes.size(), 0);
    if (parent_tree && job->parent && TakeUnchangedFromIndex(job, *parent_tree, subdirs)) return;
    std::vector<Node> before = LoadParentNodes(job->path, parent_tree);
    size_t b = 0;
    for (size_t i = 0; i < job->nodes.size(); ++i) {
      Node& node = job->nodes[i];
      while (b < before.size() && before[b].name < node.name) ++b;  // both sorted by name
      const Node* old = b < before.size() && before[b].name == node.name ? &before[b] : nullptr;
      bool moved = false;
      if (source_.StableFileIds() && (!old || old->file_id != node.file_id)) {
        if (node.IsDir()) {
          old = moved_.Find(node);
        } else if (const Node* found = node.IsFile() ? moved_.Find(node) : nullptr) {
          old = found;
          moved = true;
        }
      }
      bool same = old && Unchanged(node, *old);
      std::string path = JoinPath(job->path, node.name);
      if (node.IsDir()) {
        if (same)
          ReuseUnchanged(*old, &node);
        else
          LoadExtendedOrWarn(path, &node);
        subdirs->emplace_back(i, old && old->IsDir() ? old->subtree : std::nullopt);
        ExpectTree(path, subdirs->back().second);
        if (lists_) lists_->Expect(path);
      } else {
        HandleEntry(job, i, path, old, moved);
      }
    }
    FlushBatch();  // this directory's small files are all listed
  }

  // When the node index says nothing in this directory changed, records that without
  // reading the parent's tree object: files count as unchanged, subdirectories get their
  // previous ids from the index. Release() then reuses the old tree whole, or fills the
  // unchanged entries from it if a subdirectory turns out to differ.
  bool TakeUnchangedFromIndex(const std::shared_ptr<DirJob>& job, const Digest& parent_tree,
                              std::vector<std::pair<size_t, std::optional<Digest>>>* subdirs) {
    uint64_t dir_id = job->parent->nodes[job->slot].file_id;
    auto previous = detector_.Unchanged(dir_id, parent_tree, job->nodes);
    if (!previous) return false;
    job->unchanged_tree = parent_tree;
    for (size_t i = 0; i < job->nodes.size(); ++i) {
      const Node& node = job->nodes[i];
      if (node.IsDir()) {
        subdirs->emplace_back(i, (*previous)[i]);
        if (lists_) lists_->Expect(JoinPath(job->path, node.name));
      } else if (node.IsFile()) {
        stats_.files_total++;
        stats_.bytes_total += node.size;
        progress_.files_done++;
        progress_.bytes_done += node.size;
      }
    }
    return true;
  }

  // For a directory taken as unchanged from the index whose subdirectories did not all
  // stay the same: the old entries' content and metadata, as the non-index path would
  // have copied them. Fails rather than store a file without its content.
  Status FillFromParentTree(DirJob& job) {
    ARBOR_ASSIGN_OR_RETURN(std::vector<Node> old, repo_.LoadTree(*job.unchanged_tree));
    size_t b = 0;
    for (auto& node : job.nodes) {
      while (b < old.size() && old[b].name < node.name) ++b;
      if (b == old.size() || old[b].name != node.name) {
        return Status::Corruption("node index disagrees with the parent snapshot at " +
                                  JoinPath(job.path, node.name) +
                                  " (delete the index file, or back up with --no-index)");
      }
      ReuseUnchanged(old[b], &node);
    }
    return Status::Ok();
  }

  // Source::List of directory `path`, from the read-ahead when there is one.
  Listing ListDirectory(const std::string& path) {
    if (lists_) return lists_->Take(path);
    Listing listing;
    listing.status = source_.List(path, &listing.nodes, &listing.warnings);
    return listing;
  }

  // `path`'s tree in the parent snapshot, `tree` (the prefetcher's when there is one).
  std::vector<Node> LoadParentNodes(const std::string& path, const std::optional<Digest>& tree) {
    if (!tree) return {};
    auto nodes = trees_ ? trees_->Take(path, *tree) : repo_.LoadTree(*tree);
    if (!nodes.ok()) {
      // A damaged parent only costs re-reading; the new snapshot does not depend on it.
      Warn(nodes.status().Annotate("parent snapshot tree (files will be re-read)"), /*from_source=*/false);
      return {};
    }
    return std::move(nodes).value();
  }

  // The walker will come to directory `path` and compare it with `tree`.
  void ExpectTree(const std::string& path, const std::optional<Digest>& tree) {
    if (trees_ && tree) trees_->Expect(path, *tree);
  }

  static const Node* FindByName(const std::vector<Node>& nodes, const std::string& name) {
    auto it = std::lower_bound(nodes.begin(), nodes.end(), name,
                               [](const Node& n, const std::string& s) { return n.name < s; });
    return it != nodes.end() && it->name == name ? &*it : nullptr;
  }

  void LoadExtendedOrWarn(const std::string& path, Node* node) {
    Status st = source_.LoadExtended(path, node);
    if (!st.ok()) Warn(st);
  }

  // Drops a reference to a directory; the last one stores its object and passes
  // the id up.
  void Release(const std::shared_ptr<DirJob>& job) {
    if (--job->pending != 0) return;
    auto id = StoreDirectory(*job);
    if (!id.ok()) return Fail(id.status().Annotate("storing directory " + job->path));
    if (job->parent) {
      if (!job->expected || *job->expected != *id) job->parent->subdir_changed = true;
      job->parent->nodes[job->slot].subtree = *id;
      Release(job->parent);
    } else {
      std::lock_guard lock(mu_);
      root_id_ = *id;
    }
  }

  Result<Digest> StoreDirectory(DirJob& job) {
    if (job.unchanged_tree) {
      if (!job.subdir_changed) return *job.unchanged_tree;  // exactly as before: nothing to write
      ARBOR_RETURN_IF_ERROR(FillFromParentTree(job));
    }
    std::vector<Node> kept;
    kept.reserve(job.nodes.size());
    for (size_t i = 0; i < job.nodes.size(); ++i) {
      if (!job.dropped[i]) kept.push_back(std::move(job.nodes[i]));
    }
    job.nodes.clear();
    return repo_.StoreTree(kept);
  }

  // `from_source`: the error came from the source, which may judge it fatal.
  void Warn(const Status& st, bool from_source = true) {
    if (from_source && source_.IsFatal(st)) return Fail(st);
    stats_.errors++;
    progress_.errors++;
    std::lock_guard lock(mu_);
    warnings_.push_back(st.message());
  }

  void Fail(const Status& st) {
    std::lock_guard lock(mu_);
    if (fatal_.ok()) fatal_ = st;
    failed_ = true;
  }

  // Also true once the caller cancels (BackupOptions::cancelled): the walk stops at the
  // next entry and the backup fails with Cancelled, so no snapshot is written.
  bool Failed() {
    if (!failed_ && options_.cancelled && options_.cancelled()) Fail(Status::Cancelled("backup cancelled"));
    return failed_;
  }

  Repository& repo_;
  Source& source_;
  const BackupOptions& options_;
  ExcludeMatcher excludes_;
  size_t files_per_task_;  // small files per pool task (BackupOptions::files_per_task)
  TaskPool pool_;
  std::vector<FileTask> batch_;  // walker thread only: small files not handed over yet
  uint64_t batch_bytes_ = 0;     // their sizes
  ProgressCounters own_progress_;
  ProgressCounters& progress_;  // options.progress_counters, else own_progress_
  MovedEntries moved_;          // walker thread only
  IndexChangeDetector detector_;
  const std::string previous_source_snapshot_;  // the parent's, for range diffs
  std::unique_ptr<TreePrefetcher> trees_;       // null: the walker loads parent trees itself
  TreePrefetchStats tree_stats_;                // trees_'s, kept when the walk ends
  std::unique_ptr<ListPrefetcher> lists_;       // null: the walker lists each directory itself
  WalkAheadStats list_stats_;                   // lists_'s, kept when the walk ends

  struct AtomicStats {
    std::atomic<uint64_t> files_total{0}, dirs_total{0}, bytes_total{0}, files_read{0}, bytes_read{0},
        errors{0};
  };
  AtomicStats stats_;
  std::atomic<bool> failed_{false};

  std::mutex mu_;
  Status fatal_;                       // guarded by mu_
  std::optional<Digest> root_id_;      // guarded by mu_
  std::vector<std::string> warnings_;  // guarded by mu_

 public:
  BackupStats Stats() const {
    BackupStats s;
    s.files_total = stats_.files_total;
    s.dirs_total = stats_.dirs_total;
    s.bytes_total = stats_.bytes_total;
    s.files_read = stats_.files_read;
    s.bytes_read = stats_.bytes_read;
    s.errors = stats_.errors;
    return s;
  }
};

}  // namespace

Result<std::optional<Snapshot>> FindParentSnapshot(Repository& repo, const BackupOptions& options,
                                                   std::string_view source_kind) {
  if (options.no_parent) return std::optional<Snapshot>();
  if (!options.parent.empty()) {
    ARBOR_ASSIGN_OR_RETURN(Snapshot s, repo.FindSnapshot(options.parent));
    return std::optional<Snapshot>(s);
  }
  ARBOR_ASSIGN_OR_RETURN(auto all, repo.ListSnapshots());
  auto want = options.paths;
  std::sort(want.begin(), want.end());
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    if (IsPartial(*it)) continue;
    auto have = it->paths;
    std::sort(have.begin(), have.end());
    if (have == want && it->hostname == options.hostname && it->source == source_kind)
      return std::optional<Snapshot>(*it);
  }
  return std::optional<Snapshot>();
}

Result<BackupResult> RunBackup(Repository& repo, Source& source, const BackupOptions& options) {
  auto start = std::chrono::steady_clock::now();
  (void)CleanStaleStaging(repo.store()->StagingDir());
  ARBOR_ASSIGN_OR_RETURN(auto lock, repo.Lock(LockKind::kShared, std::chrono::seconds(60)));
  ARBOR_ASSIGN_OR_RETURN(auto parent, FindParentSnapshot(repo, options, source.Kind()));
  source.SetBlobSink([&repo](std::string_view data) -> Result<Digest> {
    Digest id = repo.BlobId(data);
    ARBOR_RETURN_IF_ERROR(repo.StoreBlob(format::BlobType::kData, id, data).status());
    return id;
  });

  BackupResult result;
  Snapshot& snap = result.snapshot;
  snap.time_ns = options.time_ns.value_or(NowNs());
  const node_index::NodeTree* parent_index = nullptr;
  std::vector<std::string> index_warnings;
  if (options.share_index && parent) {
    auto tree = options.share_index->At(*parent);
    if (tree.ok())
      parent_index = *tree;
    else
      index_warnings.push_back(tree.status().Annotate("node index (not used)").message());
  }
  Archiver archiver(repo, source, options, parent, parent_index);
  if (parent) {
    archiver.progress().files_expected = parent->stats.files_total;
    archiver.progress().bytes_expected = parent->stats.bytes_total;
    snap.parent = parent->id;
  }
  uint64_t blobs_before = repo.counters().blobs_added, bytes_before = repo.counters().bytes_added;
  Result<Digest> root = Status::Internal("not run");
  {
    ProgressReporter reporter(options.progress, "backup", &archiver.progress());
    root = archiver.Run(parent ? std::optional<Digest>(parent->tree) : std::nullopt);
  }
  if (!root.ok()) return root.status();
  ARBOR_RETURN_IF_ERROR(repo.Flush());
  snap.tree = *root;
  snap.end_time_ns = NowNs();
  snap.hostname = options.hostname;
  snap.paths = options.paths;
  snap.paths.insert(snap.paths.end(), options.shallow_paths.begin(), options.shallow_paths.end());
  snap.tags = options.tags;
  snap.source = source.Kind();
  snap.source_snapshot = options.source_snapshot;
  snap.program_version = std::string(kProgramVersion);
  snap.stats = archiver.Stats();
  snap.stats.blobs_added = repo.counters().blobs_added - blobs_before;
  snap.stats.bytes_added = repo.counters().bytes_added - bytes_before;
  snap.stats.packs_written = repo.counters().packs_written;
  ARBOR_RETURN_IF_ERROR(repo.SaveSnapshot(&snap).status());
  result.warnings = archiver.TakeWarnings();
  result.tree_prefetch = archiver.TreeStats();
  result.list_ahead = archiver.ListStats();
  if (options.share_index) {
    // The snapshot is safe; an index that cannot follow is rebuilt on its next use.
    auto updated = options.share_index->At(snap);
    result.index_updated = updated.ok();
    if (!updated.ok())
      index_warnings.push_back(updated.status().Annotate("updating the node index").message());
  }
  result.warnings.insert(result.warnings.end(), index_warnings.begin(), index_warnings.end());
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace arbor
