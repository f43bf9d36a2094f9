// What a store must write for a tree: the records changed since the last save and the
// directories deleted since. Internal to arbor_index (the stores' shared half).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "node_index/node_tree.h"

namespace arbor::node_index {

// Column values of the store table. Node ids are unsigned; SQL has signed 64-bit
// integers, so ids are stored bit-cast (ids >= 2^63 read back as negative numbers).
inline int64_t SqlId(NodeId id) { return static_cast<int64_t>(id); }
inline NodeId FromSqlId(int64_t v) { return static_cast<NodeId>(v); }

class PendingChanges {
 public:
  std::vector<NodeId> deleted;  // apply first: an id may be deleted and created again

  size_t size() const { return slots_.size(); }
  NodeId id(size_t i) const;
  // The version-1 bytes of record i: a view into the tree, or (a hot record) rebuilt
  // into *scratch. Valid until the tree is next changed or *scratch is reused.
  std::string_view record(size_t i, std::string* scratch) const;

 private:
  friend PendingChanges CollectChanges(const NodeTree& tree);
  friend PendingChanges CollectAll(const NodeTree& tree);
  const NodeTree::Impl* tree_ = nullptr;
  std::vector<uint32_t> slots_;
};

// The records are read from the tree as the store writes them: keep it unchanged until then.
PendingChanges CollectChanges(const NodeTree& tree);
// Every record of the tree, as if all were new (IndexStore::Export).
PendingChanges CollectAll(const NodeTree& tree);
// After a successful commit: the tree has nothing left to save.
void MarkSaved(NodeTree* tree);

}  // namespace arbor::node_index
