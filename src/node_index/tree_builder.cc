// TreeBuilder: turns stored records (any order) into a NodeTree, isolating damage.
// A bad record costs exactly its own files: its subdirectories hang below a damaged
// placeholder that keeps the directory id, so they still load and still add up.
#include <algorithm>

#include "node_index/node_tree_impl.h"

namespace arbor::node_index {
namespace {

std::string PlaceholderRecord(NodeId id) {
  DirHeader h;
  h.node_id = id;
  h.parent_id = id;  // detached: its real parent is unknown
  return EncodeRecord(h, {});
}

}  // namespace

TreeBuilder::TreeBuilder() : impl_(std::make_unique<NodeTree::Impl>()) {}

void TreeBuilder::Reserve(size_t directories) {
  NodeTree::Impl& m = *impl_;
  m.ids_.Reserve(directories, [&](uint32_t x) { return m.IdHash(RecordNodeId(m.Rec(x))); });
  m.names_.Reserve(directories,
                   [&](uint32_t x) { return m.NameHash(m.slots_[x].parent, RecordName(m.Rec(x))); });
}

uint32_t TreeBuilder::Placeholder(NodeId id) { return impl_->AddSlot(PlaceholderRecord(id), kSlotDamaged); }

void TreeBuilder::Add(NodeId key, std::string_view record) {
  std::string where = "directory " + std::to_string(key) + ": ";
  RecordView v;
  Status st = RecordView::Parse(record, &v);
  if (st.ok() && v.hot()) st = Status::Corruption("a hot (in-memory only) record in a store");
  if (st.ok()) st = v.Validate();
  if (st.ok() && v.node_id() != key)
    st = Status::Corruption("record holds directory " + std::to_string(v.node_id()));
  if (st.ok() && impl_->SlotOf(key) != kNoSlot) st = Status::Corruption("stored twice");
  if (!st.ok()) {
    errors_.push_back(Status::Corruption(where + st.message()));
    if (impl_->SlotOf(key) == kNoSlot) Placeholder(key);
    return;
  }
  if (!impl_->cold_) {
    impl_->AddSlot(record, 0);
    return;
  }
  // The tree keeps stamps and hashes in its cold column: the record goes in hot.
  std::vector<ColdCell> cells;
  std::string hot = ToHotRecord(v, &cells);
  if (!cells.empty()) SetColdRef(&hot, impl_->cold_->Append(cells));
  impl_->AddSlot(hot, 0);
}

void TreeBuilder::LinkAll() {
  NodeTree::Impl& m = *impl_;
  size_t n = m.slots_.size();  // placeholders added below for missing parents stay detached
  for (uint32_t s = 0; s < n; ++s) {
    if (!m.Live(s) || (m.slots_[s].flags & kSlotDamaged)) continue;
    NodeId id = RecordNodeId(m.Rec(s)), parent_id = RecordParentId(m.Rec(s));
    if (parent_id == id) {
      if (m.root_ == kNoSlot) {
        m.root_ = s;
        continue;
      }
      errors_.push_back(Status::Corruption("directory " + std::to_string(id) + ": a second root"));
      m.slots_[s].flags |= kSlotDamaged;
      continue;
    }
    uint32_t p = m.SlotOf(parent_id);
    if (p == kNoSlot) {
      errors_.push_back(Status::Corruption("directory " + std::to_string(id) + ": parent " +
                                           std::to_string(parent_id) + " missing"));
      p = Placeholder(parent_id);
    }
    m.Link(s, p);
  }
}

void TreeBuilder::ComputeTotals() {
  NodeTree::Impl& m = *impl_;
  std::vector<uint32_t> order;
  order.reserve(m.live_);
  for (uint32_t s = 0; s < m.slots_.size(); ++s) {
    if (m.Live(s) && m.slots_[s].parent == kNoSlot) order.push_back(s);
  }
  for (size_t i = 0; i < order.size(); ++i) m.ForEachChild(order[i], [&](uint32_t c) { order.push_back(c); });
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    Slot& sl = m.slots_[*it];
    RecordView v = m.View(*it);
    sl.tree_bytes += v.own_bytes();
    sl.tree_files += v.file_count();
    sl.max_bits = std::max(sl.max_bits, SizeBits(v.max_size()));
    if (sl.parent == kNoSlot) continue;
    Slot& p = m.slots_[sl.parent];
    p.tree_bytes += sl.tree_bytes;
    p.tree_files += sl.tree_files;
    p.tree_dirs += sl.tree_dirs + 1;
    p.max_bits = std::max(p.max_bits, sl.max_bits);
  }
  for (uint32_t s : order) m.NameInsert(s);
  // Records on a cycle of parent ids are reachable from no top: cut them loose.
  if (order.size() == m.live_) return;
  std::vector<bool> reached(m.slots_.size());
  for (uint32_t s : order) reached[s] = true;
  for (uint32_t s = 0; s < m.slots_.size(); ++s) {
    if (!m.Live(s) || reached[s]) continue;
    errors_.push_back(
        Status::Corruption("directory " + std::to_string(RecordNodeId(m.Rec(s))) + ": parent chain loops"));
    m.Unlink(s);
    m.slots_[s].flags |= kSlotDamaged;
  }
}

NodeTree TreeBuilder::Finish(std::vector<Status>* errors) {
  LinkAll();
  ComputeTotals();
  *errors = std::move(errors_);
  return TreeAccess::Make(std::move(impl_));
}

}  // namespace arbor::node_index
