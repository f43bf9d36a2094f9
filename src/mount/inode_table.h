// InodeTable: the mount's inode numbers. The kernel names every entry it has looked up by
// a number and forgets it when its caches drop it; this table hands out those numbers and
// keeps, for each, the node it stands for. Only entries the kernel holds are kept, so the
// table's size follows the kernel's dentry cache, not the size of the snapshots.
//
// Contract: looking up the same (parent, name) again gives the same number while the kernel
// still holds it; files of one hard-link group inside one snapshot (same `scope` and
// Node::hardlink_group) share one number, as they did on the source. Number 1 is the mount's
// root and is never forgotten. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "repo/node.h"

namespace arbor {

using Ino = uint64_t;
inline constexpr Ino kRootIno = 1;

struct InodeEntry {
  std::shared_ptr<const Node> node;
  // Which repository namespace of the mount the entry belongs to; -1 for the directories
  // above the namespaces (catalog mode: tenants, and shares' parents).
  int space = -1;
  // Virtual directories: their path in the namespace's SnapshotLayout (space >= 0), or
  // their path from the mount's top (space -1). Unset for entries of a snapshot's tree.
  std::optional<std::string> vpath;
  // Entries inside a snapshot: the snapshot's root tree, the scope of its hard links.
  std::optional<Digest> scope;
  // The drop directory (`.drop`, kRoot) and what was dropped in it (kInside): files on
  // local disk (drop_area.h), found by their names up to the kRoot entry, as renames
  // move them.
  enum class Drop : uint8_t { kNone, kRoot, kInside };
  Drop drop = Drop::kNone;
};

class InodeTable {
 public:
  explicit InodeTable(InodeEntry root);

  // The number for `entry`, named `name` in directory `parent`, counting one more kernel
  // lookup. A known (parent, name) keeps its number and takes the new entry (a virtual
  // entry such as `latest` may have changed).
  Ino Add(Ino parent, const std::string& name, InodeEntry entry);
  std::optional<InodeEntry> Get(Ino ino) const;
  // The (parent, name) that led to `ino` first and still does; nullopt for the root, an
  // unknown number, or an entry whose names were all removed.
  std::optional<std::pair<Ino, std::string>> NameOf(Ino ino) const;
  // For the writable drop directory: (parent, name) no longer leads anywhere (unlinked);
  // a later Add of that name gets a new number. The number stays until forgotten.
  void RemoveName(Ino parent, const std::string& name);
  // The entry at (parent, name) now lives at (new_parent, new_name); what was there is
  // unnamed. Entries below a renamed directory keep their numbers: they are named
  // relative to it.
  void Rename(Ino parent, const std::string& name, Ino new_parent, const std::string& new_name);
  // The kernel dropped `n` lookups of `ino`; at zero the number is forgotten.
  void Forget(Ino ino, uint64_t n);
  // The names known in directory `parent` and their numbers (for EntryReclaimer).
  std::vector<std::pair<std::string, Ino>> ChildrenOf(Ino parent) const;
  size_t size() const;
  // The most numbers held at once since the table was made (`arbor mount --stats`).
  size_t peak() const;

 private:
  struct Slot {
    InodeEntry entry;
    uint64_t nlookup = 0;
    std::vector<std::pair<Ino, std::string>> names;  // the (parent, name) keys that lead here
    std::optional<std::pair<Digest, uint64_t>> link_key;
  };
  void RemoveNameLocked(const std::pair<Ino, std::string>& key);
  mutable std::mutex mu_;
  Ino next_ = kRootIno + 1;                             // guarded by mu_
  size_t peak_ = 1;                                     // guarded by mu_
  std::unordered_map<Ino, Slot> slots_;                 // guarded by mu_
  std::map<std::pair<Ino, std::string>, Ino> by_name_;  // guarded by mu_
  std::map<std::pair<Digest, uint64_t>, Ino> by_link_;  // guarded by mu_
};

}  // namespace arbor
