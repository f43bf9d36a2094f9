// What a store must write for a tree: the records changed since the last save and the
// directories deleted since. Internal to arbor_index (the stores' shared half).
#pragma once

#include <string_view>
#include <utility>
#include <vector>

#include "node_index/node_tree.h"

namespace arbor::node_index {

// Column values of the store table. Node ids are unsigned; SQL has signed 64-bit
// integers, so ids are stored bit-cast (ids >= 2^63 read back as negative numbers).
inline int64_t SqlId(NodeId id) { return static_cast<int64_t>(id); }
inline NodeId FromSqlId(int64_t v) { return static_cast<NodeId>(v); }

struct PendingChanges {
  std::vector<NodeId> deleted;  // apply first: an id may be deleted and created again
  std::vector<std::pair<NodeId, std::string_view>> records;  // views into the tree
};

// The views stay valid until the tree is next changed.
PendingChanges CollectChanges(const NodeTree& tree);
// Every record of the tree, as if all were new (IndexStore::Export).
PendingChanges CollectAll(const NodeTree& tree);
// After a successful commit: the tree has nothing left to save.
void MarkSaved(NodeTree* tree);

}  // namespace arbor::node_index
