// EntryReclaimer: bounds the entries a mount keeps. Every entry the kernel holds (its
// dentry cache) costs the mount an inode slot and pins the decoded directory object it
// came from, and the kernel keeps them until memory pressure: `ls -lR` of 1M files would
// hold them all. When the inode table passes `bound`, this asks the kernel to forget the
// entries of the directories touched longest ago (FUSE notify_inval_entry); the kernel
// then drops the dentries nobody uses and sends FORGET, which frees the slots and, once no
// slot points into it, the decoded tree.
//
// Contract:
// - Listed and LookedUpIn are cheap and may be called from FUSE callbacks; the invalidations run on
//   the background thread (Start) or in ReclaimOnce, never inside a FUSE callback (the
//   kernel takes the directory's lock for them, which a callback in flight may hold).
// - The directory listed last is never a victim, nor is the entry of any directory above
//   a tracked one (invalidating it would drop the whole subtree from the kernel): a
//   directory's own entry is invalidated only after its children's, so the directory
//   being listed keeps its entries.
// - An entry something still uses (an open file, a working directory) stays valid: the
//   kernel unhashes its dentry but keeps the inode, and its slot, until it is closed.
// - Reclaiming starts at 90% of the bound (the kernel forgets what it is asked to a little
//   later, while a listing goes on adding entries) and invalidates down to 70% of it, so
//   it does not run for every entry. The table may pass the bound by what a listing adds
//   while the kernel catches up (measured: a few thousand entries).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "mount/inode_table.h"

namespace arbor {

class EntryReclaimer {
 public:
  // Asks the kernel to forget the entry `name` of directory `parent` (libfuse's
  // fuse_lowlevel_notify_inval_entry); an entry the kernel no longer has is no error.
  using Invalidate = std::function<void(Ino parent, const std::string& name)>;

  // REQUIRES: `table` outlives this.
  EntryReclaimer(const InodeTable* table, size_t bound, Invalidate invalidate);
  ~EntryReclaimer();
  EntryReclaimer(const EntryReclaimer&) = delete;
  EntryReclaimer& operator=(const EntryReclaimer&) = delete;

  // `dir` was listed: its entries are now the newest.
  void Listed(Ino dir);
  // A name was looked up in `dir`: tracked from now on, as the oldest, if it was not; not
  // made newer. Every path walk looks the ancestors of the directory being listed up
  // again (after they were reclaimed too): as the newest they would leave that directory
  // the oldest, and its entries the first invalidated.
  void LookedUpIn(Ino dir);
  // One pass on the calling thread: when the table holds more than 90% of the bound,
  // invalidates the coldest directories' entries until as many as the excess over 70% of
  // the bound were asked for. Returns how many were.
  size_t ReclaimOnce();
  // Runs ReclaimOnce every `period` on a background thread until Stop (or destruction).
  void Start(std::chrono::milliseconds period);
  void Stop();
  uint64_t invalidated() const;

 private:
  void Note(Ino dir, bool listed);
  bool TrackedLocked(Ino dir) const { return where_.count(dir) != 0; }
  size_t Threshold() const { return bound_ / 10 * 9; }  // the table size reclaiming starts above

  const InodeTable* table_;
  const size_t bound_;
  Invalidate invalidate_;
  mutable std::mutex mu_;
  std::list<Ino> lru_;                                       // front: newest; guarded by mu_
  std::unordered_map<Ino, std::list<Ino>::iterator> where_;  // guarded by mu_
  uint64_t invalidated_ = 0;                                 // guarded by mu_
  bool stop_ = false;                                        // guarded by mu_
  bool reclaiming_ = false;                                  // guarded by mu_
  std::condition_variable wake_;
  std::thread thread_;
};

}  // namespace arbor
