// Analytics over a NodeTree, answered from RAM: largest files, bytes by extension,
// duplicates by content hash, and the changes between two versions of a tree.
// All functions are read-only and may run concurrently on the same trees.
// Subtree size and file count are NodeTree::Totals (O(1)); these are the scans.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "node_index/node_tree.h"

namespace arbor::node_index {

// The n largest non-directory nodes at or below `dir`, largest first (ties by path
// order undefined). Prunes subtrees whose largest file cannot make the list.
Result<std::vector<NodeInfo>> LargestFiles(const NodeTree& tree, NodeId dir, size_t n);

struct ExtensionStat {
  std::string extension;  // "" for names without one (format rule: see record_format.h)
  uint64_t files = 0;
  uint64_t bytes = 0;
};
// Files and bytes per extension at or below `dir`, most bytes first.
Result<std::vector<ExtensionStat>> ExtensionStats(const NodeTree& tree, NodeId dir);

struct DuplicateGroup {
  uint64_t hash = 0;
  uint64_t size = 0;
  std::vector<NodeInfo> nodes;  // two or more, same 64-bit hash and size
};
// Groups of files with equal (hash, size), size >= min_size, hash != 0; biggest
// wasted bytes first. Two passes over the tree and a temporary 8 bytes per file. A 64-bit hash can collide: treat groups as candidates to confirm
// with the full content hash, never as proof.
Result<std::vector<DuplicateGroup>> Duplicates(const NodeTree& tree, uint64_t min_size);

struct NodeChange {
  NodeInfo before;
  NodeInfo after;
};
struct TreeChanges {
  std::vector<NodeInfo> added;       // files and directories new in `newer`
  std::vector<NodeInfo> deleted;     // in `older`, gone from `newer`
  std::vector<NodeChange> modified;  // same node id and place, other facts differ
  std::vector<NodeChange> moved;     // same node id, other parent or name
};
// What changed from `older` to `newer`, by stable node ids. Directories whose record is
// shared (Clone) or byte-identical are skipped without decoding, so the cost follows
// the number of changed directories, plus one pass over the directory slots.
// Changes below an added or deleted directory are listed entry by entry.
Result<TreeChanges> Diff(const NodeTree& older, const NodeTree& newer);

}  // namespace arbor::node_index
