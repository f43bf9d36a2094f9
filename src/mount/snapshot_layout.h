// SnapshotLayout: the mount's own directories above the snapshots' trees, for one
// repository namespace (docs/mount.md):
//   snapshots/<time>_<short id>/      the snapshot's root tree
//   latest -> snapshots/<newest>      (a symlink; absent when there is no snapshot)
//   by-tag/<tag>/<time>_<short id> -> ../../snapshots/<time>_<short id>
// A virtual directory is named by its path in the layout ("" for the top, "snapshots",
// "by-tag", "by-tag/<tag>"). Partial snapshots (snapshot.h) are not shown. Immutable: the
// mount builds a new one when the snapshot list changes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "repo/node.h"
#include "repo/snapshot.h"

namespace arbor {

class SnapshotLayout {
 public:
  // `now_ns`: the time of the virtual directories themselves.
  SnapshotLayout(std::vector<Snapshot> snapshots, int64_t now_ns);

  // "2026-12-06T10:41:29Z_1a2b3c4d" (UTC, so the name does not depend on the reader).
  static std::string DirName(const Snapshot& snapshot);
  // The entries of the virtual directory `vpath`, sorted by name: virtual directories
  // (no subtree), snapshot roots (directories whose subtree is the snapshot's tree) and
  // symlinks. NotFound for a path that is not a virtual directory (e.g. a tag no snapshot
  // has any more).
  Result<std::vector<Node>> List(const std::string& vpath) const;
  // The path of a virtual directory's child, when that child is a virtual directory too.
  static std::string ChildPath(const std::string& vpath, const std::string& name);
  size_t snapshot_count() const { return snapshots_.size(); }

 private:
  Node Dir(const std::string& name) const;
  Node Link(const std::string& name, const std::string& target, int64_t time_ns) const;

  std::vector<Snapshot> snapshots_;  // oldest first, partial ones left out
  int64_t now_ns_;
};

}  // namespace arbor
