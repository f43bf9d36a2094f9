// SnapshotFs: repository namespaces as a read-only FUSE file system (libfuse3 low-level
// API, multithreaded): the virtual directories of SnapshotLayout above the snapshots'
// trees. Directory listings come from directory objects, one tree at a time, through a
// TreeCache; file reads fetch only the blobs they touch, through a bounded BlobCache, and
// a sequential reader's next blobs are prefetched. Sizes, modes, owners, ns times,
// symlinks, devices, hard links (one inode number per hard-link group of a snapshot),
// xattrs (POSIX ACLs are their system.posix_acl_* xattrs) and, for Azure Files entries,
// user.arbor.attributes and user.arbor.sddl are served as backed up. Every write is EROFS,
// except below a namespace's drop directory (`.drop` at its layout's top, when it has a
// DropArea): new files, folders and symlinks are written to the area's staging folder on
// local disk, within its limit, and committed as a snapshot on unmount (CommitDrops).
//
// One namespace is mounted at the top (`arbor -r REPO mount MNT`), or several below their
// paths ("<tenant>/<share>", catalog mode), each with its own layout and caches.
//
// New snapshots appear without remounting: the snapshot list is read again when a virtual
// directory is looked at and `refresh` has passed, and the blob index is reloaded (with
// reads paused) when the list changed.
#pragma once

#include <sys/stat.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>

#include "base/status.h"
#include "mount/blob_cache.h"
#include "mount/drop_area.h"
#include "mount/entry_reclaimer.h"
#include "mount/inode_table.h"
#include "mount/snapshot_layout.h"
#include "mount/tree_cache.h"
#include "mount/xattr_census.h"
#include "repo/repository.h"

namespace arbor {

struct MountOptions {
  // Decompressed blobs kept (--cache-size). The kernel's page cache keeps what was read
  // (keep_cache): this one serves the 128 KiB pieces FUSE reads of ~1 MiB blobs and the
  // read-ahead, and 64 MiB covers 8 sequential readers' 8 MiB of read-ahead each.
  uint64_t cache_bytes = 64ull << 20;
  // Entries kept in memory (--max-entries): past this many inodes the kernel is asked to
  // forget the entries of the directories listed longest ago (EntryReclaimer), and the
  // decoded directory objects kept for later hold at most this many nodes. Each entry the
  // kernel holds costs about 1 KB, so the default bounds a listing's cost near 100 MB.
  uint64_t max_entries = 100000;
  int threads = 8;                          // FUSE worker threads at most
  std::chrono::milliseconds refresh{1000};  // how stale the snapshot list may be
};

// One repository namespace in the mount, at `path` below the mount's top: "" for a single
// namespace, "<tenant>/<share>" (safe names) in catalog mode.
struct MountNamespace {
  std::string path;
  std::unique_ptr<Repository> repo;
  std::unique_ptr<DropArea> drop;  // null: no drop directory
};

class SnapshotFs {
 public:
  // REQUIRES: a path "" only when it is the one namespace; no path a prefix of another.
  SnapshotFs(std::vector<MountNamespace> namespaces, MountOptions options);
  ~SnapshotFs();
  SnapshotFs(const SnapshotFs&) = delete;
  SnapshotFs& operator=(const SnapshotFs&) = delete;

  // Mounts at `mountpoint` (checked with CheckMountPoint first) and serves until it is
  // unmounted (`fusermount3 -u`) or SIGINT/SIGTERM/SIGHUP arrives, then unmounts.
  // `ready` runs once the mount is visible.
  Status Serve(const std::string& mountpoint, const std::function<void()>& ready);

  // After Serve: commits each namespace's staged drop (DropArea::Commit), telling
  // `report` (namespace path, sentence) what was done. Every namespace is tried; the
  // first failure is returned (its drop stays staged, marked for the next mount).
  Status CommitDrops(const std::function<void(const std::string&, const std::string&)>& report);

  // The requests the kernel sent, by kind, e.g. "lookup 3, getattr 0, ..., getxattr 2"
  // (`arbor mount --stats` prints it at unmount: how many round trips a listing cost).
  std::string RequestCounts() const;
  // The inode numbers held at unmount and at most, and how many entries the mount asked the
  // kernel to forget (`--stats`: what a listing cost in memory).
  std::string EntryCounts() const;

  // The FUSE callbacks (snapshot_fs.cc) work through these.
  struct Handlers;

 private:
  friend struct Handlers;
  // A namespace and everything the mount keeps for it.
  struct Space {
    int index = 0;  // in spaces_
    std::string path;
    std::unique_ptr<Repository> repo;
    std::unique_ptr<DropArea> drop;
    // Loads hold it shared; reloading the index holds it exclusively.
    std::shared_mutex repo_mu;
    std::unique_ptr<BlobCache> blobs;
    std::unique_ptr<TreeCache> trees;
    std::mutex layout_mu;
    std::shared_ptr<const SnapshotLayout> layout;       // guarded by layout_mu
    std::chrono::steady_clock::time_point layout_time;  // guarded by layout_mu
    std::set<Digest> snapshot_ids;                      // guarded by layout_mu
  };
  std::shared_ptr<const SnapshotLayout> Layout(Space& space);
  // The child `name` of the directory `parent` stands for.
  Result<InodeEntry> Child(const InodeEntry& parent, const std::string& name);
  Result<std::shared_ptr<const std::vector<Node>>> List(const InodeEntry& dir);
  // The directories above the namespaces: the next path components below `vpath`.
  std::vector<Node> PrefixEntries(const std::string& vpath) const;
  // The local path of a drop entry: its names up to `.drop`, below the area's staging/.
  std::optional<std::string> DropPath(Ino ino) const;
  DropArea* DropOf(const InodeEntry& entry) const;
  struct stat StatOf(Ino ino, const Node& node) const;
  double TimeoutFor(const InodeEntry& entry) const;

  // The kinds of request RequestCounts reports.
  enum Op : uint8_t {
    kLookup,
    kGetAttr,
    kReadLink,
    kOpenDir,
    kReadDir,
    kReadDirPlus,
    kOpen,
    kRead,
    kGetXattr,
    kListXattr,
    kOther,
    kOpCount
  };
  // Every request is handled holding this (counted): a drop committed while mounted
  // (AnswerCommitRequests) waits for the requests being handled and holds back new ones.
  [[nodiscard]] std::shared_lock<std::shared_mutex> Begin(Op op) {
    requests_[op].fetch_add(1, std::memory_order_relaxed);
    std::lock_guard gate(gate_);  // a commit waiting for the lock goes first
    return std::shared_lock(serving_mu_);
  }
  // `arbor mount --commit-drop` from another process (DropArea::AskHolderToCommit):
  // commits the drop of each namespace that was asked, with every request paused.
  void AnswerCommitRequests();

  const MountOptions options_;
  const int64_t started_ns_;
  std::vector<std::unique_ptr<Space>> spaces_;
  bool writable_ = false;  // some namespace has a drop directory
  InodeTable inodes_;
  // The session the reclaimer's invalidations go to, while Serve runs its loop.
  std::atomic<void*> session_{nullptr};
  EntryReclaimer reclaimer_;
  std::array<std::atomic<uint64_t>, kOpCount> requests_{};
  std::mutex gate_;
  std::shared_mutex serving_mu_;
  // After spaces_: its walk reads their trees, and it stops first.
  std::unique_ptr<XattrCensus> census_;
};

}  // namespace arbor
