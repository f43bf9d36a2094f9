// IndexChangeDetector: decides from the node index alone whether a directory is
// exactly as it was in the parent snapshot, so the backup need not read the parent's
// tree object for it. With a remote repository a tree read is a network request per
// directory; the index answers from RAM.
//
// A directory is unchanged when the index holds it (by node id) with the parent
// snapshot's tree id as its ref, every listed non-directory child classifies as
// unchanged (node id, kind, size, mtime, change stamp over mtime ns and ctime), no
// stored child is missing, and every listed subdirectory is the one the index holds
// there with the same mtime and stamp. The subdirectories' previous tree ids then
// come from the index too.
//
// Thread safety: const; the tree must not change while a backup uses it.
#pragma once

#include <optional>
#include <vector>

#include "hash/sha256.h"
#include "node_index/node_tree.h"
#include "repo/node.h"

namespace arbor {

class IndexChangeDetector {
 public:
  // `tree`: the index as of the parent snapshot (may be null: nothing is unchanged).
  explicit IndexChangeDetector(const node_index::NodeTree* tree) : tree_(tree) {}

  // For a directory with node id `dir_id` whose parent-snapshot tree is `parent_tree`
  // and whose listing now is `children` (sorted by name): when unchanged, the previous
  // subtree id of each child (set for directories, empty for the rest); else nullopt.
  std::optional<std::vector<std::optional<Digest>>> Unchanged(uint64_t dir_id, const Digest& parent_tree,
                                                              const std::vector<Node>& children) const;

 private:
  std::optional<Digest> SameSubdirectory(uint64_t parent_id, const Node& child) const;

  const node_index::NodeTree* tree_;
};

}  // namespace arbor
