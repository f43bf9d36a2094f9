#include "node_index/store_changes.h"

#include "node_index/node_tree_impl.h"

namespace arbor::node_index {

NodeId PendingChanges::id(size_t i) const { return RecordNodeId(tree_->Rec(slots_[i])); }

std::string_view PendingChanges::record(size_t i, std::string* scratch) const {
  return tree_->StoredRecord(slots_[i], scratch);
}

PendingChanges CollectChanges(const NodeTree& tree) {
  const NodeTree::Impl& m = TreeAccess::Of(tree);
  PendingChanges out;
  out.tree_ = &m;
  out.deleted = m.deleted_;
  std::vector<bool> taken(m.slots_.size());
  for (uint32_t s : m.dirty_) {
    // A slot in dirty_ may have been freed or reused since; the flag is the truth.
    if (!m.Live(s) || !(m.slots_[s].flags & kSlotDirty) || taken[s]) continue;
    taken[s] = true;
    out.slots_.push_back(s);
  }
  return out;
}

PendingChanges CollectAll(const NodeTree& tree) {
  const NodeTree::Impl& m = TreeAccess::Of(tree);
  PendingChanges out;
  out.tree_ = &m;
  out.slots_.reserve(m.live_);
  for (uint32_t s = 0; s < m.slots_.size(); ++s) {
    if (m.Live(s) && !(m.slots_[s].flags & kSlotDamaged)) out.slots_.push_back(s);
  }
  return out;
}

void MarkSaved(NodeTree* tree) {
  NodeTree::Impl& m = TreeAccess::Of(*tree);
  for (uint32_t s : m.dirty_) {
    if (s < m.slots_.size()) m.slots_[s].flags &= static_cast<uint8_t>(~kSlotDirty);
  }
  m.dirty_.clear();
  m.dirty_.shrink_to_fit();
  m.deleted_.clear();
  m.deleted_.shrink_to_fit();
}

}  // namespace arbor::node_index
