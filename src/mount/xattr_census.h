// XattrCensus: which of the xattr names that tools read from every file they list occur
// nowhere in a mount's snapshots.
//
// Why: GNU ls -l asks every entry for its SELinux label (security.selinux) and its POSIX
// ACL (system.posix_acl_access, and a directory's system.posix_acl_default). FUSE caches
// no xattr answer, so each is a round trip to the daemon: most of the time of an `ls -lR`
// of a snapshot. ls stops asking a whole device once an answer is ENOTSUP ("this file
// system has no such attribute"), and it is right to: the mount answers ENOTSUP for a
// probed name that no file of the mount has, and ENODATA ("this file has none") as soon as
// one file has it. ENOTSUP must hold for the whole mount: were a file elsewhere in it
// carrying the name, ls would no longer show its `+` (ACL) or `.` (label) once it had
// met the ENOTSUP.
//
// Contract: Absent(name) is true only for a probed name (Probed) once every tree below
// every root added has been walked (each tree once, by digest) and none of their nodes has
// the name. Add withdraws every absence before it returns, and the walk that covers the
// new root restores them: a snapshot that appears while mounted is walked before any
// answer about it can be ENOTSUP. A tree that fails to load, or a walk past `max_nodes`
// nodes, withdraws absence for good (answers stay ENODATA: slower, still true). The walk
// runs on its own thread, at a low CPU priority, through the loader (the mount's
// TreeCache, so the trees it decodes serve the listings that follow). Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "base/status.h"
#include "repo/node.h"

namespace arbor {

class XattrCensus {
 public:
  // The decoded tree `id` of the mount's namespace `space`.
  using Loader = std::function<Result<std::shared_ptr<const std::vector<Node>>>(int space, const Digest& id)>;

  static constexpr uint64_t kDefaultMaxNodes = 50'000'000;

  explicit XattrCensus(Loader load, uint64_t max_nodes = kDefaultMaxNodes);
  ~XattrCensus();  // stops the walk (waits for the tree being loaded)
  XattrCensus(const XattrCensus&) = delete;
  XattrCensus& operator=(const XattrCensus&) = delete;

  // Whether `name` is one the mount may answer ENOTSUP for: the names ls reads from every
  // entry (the SELinux label, the POSIX ACLs, file capabilities with --color).
  static bool Probed(std::string_view name);

  // The tree `root` of namespace `space` (a snapshot's root) is now in the mount.
  void Add(int space, const Digest& root);
  // No node below any root added has `name`, a probed name, as far as the walk has shown.
  bool Absent(std::string_view name) const;
  // Waits until the walk has nothing left to do, at most `timeout`; true when it has not.
  bool WaitIdle(std::chrono::milliseconds timeout);

 private:
  void Run();
  // Walks the trees below `root`; false when a tree failed to load or the node budget ran
  // out (absence can no longer be known).
  bool Walk(int space, const Digest& root);

  const Loader load_;
  const uint64_t max_nodes_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::pair<int, Digest>> pending_;  // guarded by mu_
  bool walking_ = false;                         // guarded by mu_
  bool failed_ = false;                          // guarded by mu_
  std::atomic<bool> stop_{false};
  std::atomic<uint32_t> absent_{0};  // one bit per probed name
  // Walk thread only:
  std::set<std::pair<int, Digest>> seen_;
  uint32_t present_ = 0;
  uint64_t nodes_ = 0;
  std::thread thread_;  // last: starts once everything above is built
};

}  // namespace arbor
