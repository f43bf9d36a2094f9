// NodeTree: slot bookkeeping, navigation and read-only queries. Writes live in
// node_tree_update.cc, change classification in classify.cc.
#include "node_index/node_tree.h"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

#include "node_index/node_tree_impl.h"
#include "node_index/record_format.h"

namespace arbor::node_index {

uint32_t ChangeStamp(int64_t mtime_ns, uint64_t change_key) {
  uint64_t in[2] = {static_cast<uint64_t>(mtime_ns), change_key};
  return static_cast<uint32_t>(XXH3_64bits(in, sizeof in)) & kStampMask;
}

// ---- Impl: slots, tables, links.

uint32_t NodeTree::Impl::SlotOf(NodeId id) const {
  return ids_.Find(IdHash(id), [&](uint32_t s) { return RecordNodeId(Rec(s)) == id; });
}

uint32_t NodeTree::Impl::ChildDir(uint32_t parent, std::string_view name) const {
  return names_.Find(NameHash(parent, name),
                     [&](uint32_t s) { return slots_[s].parent == parent && RecordName(Rec(s)) == name; });
}

NodeTree::Impl::Impl() {
  const char* dir = std::getenv("ARBOR_INDEX_COLD_DIR");
  if (dir == nullptr || *dir == '\0') return;
  Result<std::shared_ptr<ColdColumn>> cold = ColdColumn::Create(dir);
  // A constructor cannot return a status; a setting that names an unusable folder is a
  // configuration error the caller must see, like an allocation failure.
  if (!cold.ok()) throw std::runtime_error("ARBOR_INDEX_COLD_DIR: " + cold.status().ToString());
  cold_ = std::move(*cold);
}

RecordView NodeTree::Impl::View(uint32_t s) const {
  RecordView v;
  // Records in a tree were verified when they entered it.
  (void)RecordView::Parse(Rec(s), &v, Verify::kTrusted);
  return v;
}

RecordView NodeTree::Impl::FullView(uint32_t s, std::vector<ColdCell>* cells) const {
  RecordView v = View(s);
  if (v.hot()) {
    cold_->Read(v.cold_ref(), v.file_count(), cells);
    v.AttachCold(*cells);
  }
  return v;
}

std::string NodeTree::Impl::Encode(const DirHeader& header, std::span<const FileEntry> files,
                                   uint32_t reuse) const {
  if (!cold_) return EncodeRecord(header, files);
  if (files.empty()) return EncodeHotRecord(header, files, 0);
  std::vector<ColdCell> cells = ColdCells(files);
  if (reuse != kNoSlot) {
    RecordView old = View(reuse);
    if (old.hot() && old.file_count() == files.size()) {
      std::vector<ColdCell> had;
      cold_->Read(old.cold_ref(), files.size(), &had);
      if (had == cells) return EncodeHotRecord(header, files, old.cold_ref());
    }
  }
  return EncodeHotRecord(header, files, cold_->Append(cells));
}

std::string_view NodeTree::Impl::StoredRecord(uint32_t s, std::string* scratch) const {
  RecordView v = View(s);
  if (!v.hot()) return Rec(s);
  std::vector<ColdCell> cells;
  cold_->Read(v.cold_ref(), v.file_count(), &cells);
  v.AttachCold(cells);
  *scratch = ToFullRecord(v);
  return *scratch;
}

void NodeTree::Impl::MoveToColdColumn(std::shared_ptr<ColdColumn> cold) {
  std::vector<ColdCell> cells;
  for (uint32_t s = 0; s < slots_.size(); ++s) {
    if (!Live(s)) continue;
    RecordView v = FullView(s, &cells);
    std::string hot;
    if (v.hot()) {
      hot = std::string(Rec(s));  // the same bytes, the run copied to the new column
    } else {
      hot = ToHotRecord(v, &cells);
    }
    if (!cells.empty()) SetColdRef(&hot, cold->Append(cells));
    // Same content as before (the bytes a store keeps do not change): not marked dirty.
    slots_[s].rec = RecordPtr(hot);
  }
  cold_ = std::move(cold);
}

void NodeTree::Impl::MaybeCompactColdColumn() {
  // Runs of rewritten directories are dead; copy the live ones to a new file once the dead
  // outweigh them (amortized O(1) per written cell, like a vector's growth). Clones keep
  // the old column, which goes when the last of them does.
  constexpr uint64_t kMinBytes = 16u << 20;
  if (!cold_) return;
  uint64_t files = root_ == kNoSlot ? 0 : slots_[root_].tree_files;
  uint64_t written = cold_->bytes_written(), live = files * kColdCellBytes;
  if (written < kMinBytes || written < 2 * live) return;
  Result<std::shared_ptr<ColdColumn>> fresh = ColdColumn::Create(cold_->dir());
  if (fresh.ok()) MoveToColdColumn(std::move(*fresh));  // else: keep the old file growing
}

NodeInfo NodeTree::Impl::DirInfo(uint32_t s) const {
  RecordView v = View(s);
  NodeInfo n;
  n.node_id = v.node_id();
  n.parent_id = v.parent_id();
  n.name = v.name();
  n.kind = NodeKind::kDirectory;
  n.mtime_s = v.mtime_s();
  n.stamp = v.stamp();
  return n;
}

void NodeTree::Impl::ToInfo(const FileEntry& e, NodeId parent, NodeInfo* out) {
  out->node_id = e.node_id;
  out->parent_id = parent;
  out->name = e.name;
  out->kind = e.kind;
  out->size = e.size;
  out->mtime_s = e.mtime_s;
  out->stamp = e.stamp;
  out->hash = e.hash;
}

uint32_t NodeTree::Impl::AddSlot(std::string_view record, uint8_t flags) {
  uint32_t s;
  if (!free_.empty()) {
    s = free_.back();
    free_.pop_back();
  } else {
    s = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  slots_[s] = Slot{};
  slots_[s].rec = RecordPtr(record);
  slots_[s].flags = flags;
  ids_.Insert(IdHash(RecordNodeId(record)), s, [&](uint32_t x) { return IdHash(RecordNodeId(Rec(x))); });
  ++live_;
  files_ += View(s).file_count();
  return s;
}

void NodeTree::Impl::FreeSlot(uint32_t s) {
  files_ -= View(s).file_count();
  NameErase(s);
  ids_.Erase(IdHash(RecordNodeId(Rec(s))), s, [&](uint32_t x) { return IdHash(RecordNodeId(Rec(x))); });
  if (root_ == s) root_ = kNoSlot;
  slots_[s] = Slot{};
  free_.push_back(s);
  --live_;
}

void NodeTree::Impl::NameInsert(uint32_t s) {
  Slot& sl = slots_[s];
  if (sl.parent == kNoSlot || (sl.flags & kSlotNamed)) return;
  uint32_t clash = ChildDir(sl.parent, RecordName(Rec(s)));
  // A newer directory takes the name; the older one stays listed until its own
  // PutDirectory renames it or FinishScan deletes it (swapped names during a scan).
  if (clash != kNoSlot) NameErase(clash);
  names_.Insert(NameHash(sl.parent, RecordName(Rec(s))), s,
                [&](uint32_t x) { return NameHash(slots_[x].parent, RecordName(Rec(x))); });
  sl.flags |= kSlotNamed;
}

void NodeTree::Impl::NameErase(uint32_t s) {
  Slot& sl = slots_[s];
  if (!(sl.flags & kSlotNamed)) return;
  names_.Erase(NameHash(sl.parent, RecordName(Rec(s))), s,
               [&](uint32_t x) { return NameHash(slots_[x].parent, RecordName(Rec(x))); });
  sl.flags &= static_cast<uint8_t>(~kSlotNamed);
}

void NodeTree::Impl::Link(uint32_t s, uint32_t parent) {
  Slot& sl = slots_[s];
  sl.parent = parent;
  sl.prev_sibling = kNoSlot;
  sl.next_sibling = slots_[parent].first_child;
  if (sl.next_sibling != kNoSlot) slots_[sl.next_sibling].prev_sibling = s;
  slots_[parent].first_child = s;
}

void NodeTree::Impl::Unlink(uint32_t s) {
  Slot& sl = slots_[s];
  if (sl.parent == kNoSlot) return;
  if (sl.prev_sibling != kNoSlot) {
    slots_[sl.prev_sibling].next_sibling = sl.next_sibling;
  } else {
    slots_[sl.parent].first_child = sl.next_sibling;
  }
  if (sl.next_sibling != kNoSlot) slots_[sl.next_sibling].prev_sibling = sl.prev_sibling;
  sl.parent = sl.next_sibling = sl.prev_sibling = kNoSlot;
}

void NodeTree::Impl::AddUp(uint32_t from, uint64_t bytes, uint64_t files, uint32_t dirs, uint8_t max_bits) {
  for (uint32_t s = from; s != kNoSlot; s = slots_[s].parent) {
    Slot& sl = slots_[s];
    sl.tree_bytes += bytes;
    sl.tree_files += files;
    sl.tree_dirs += dirs;
    sl.max_bits = std::max(sl.max_bits, max_bits);
  }
}

void NodeTree::Impl::MarkDirty(uint32_t s) {
  if (slots_[s].flags & kSlotDirty) return;
  slots_[s].flags |= kSlotDirty;
  dirty_.push_back(s);
}

void NodeTree::Impl::SetRecord(uint32_t s, std::string_view record) {
  RecordView before = View(s);
  uint64_t old_bytes = before.own_bytes(), old_files = before.file_count();
  slots_[s].rec = RecordPtr(record);
  RecordView after = View(s);
  files_ += after.file_count() - old_files;
  AddUp(s, after.own_bytes() - old_bytes, after.file_count() - old_files, 0, SizeBits(after.max_size()));
  MarkDirty(s);
}

std::vector<uint32_t> NodeTree::Impl::SubtreeSlots(uint32_t s) const {
  std::vector<uint32_t> out{s};
  for (size_t i = 0; i < out.size(); ++i) ForEachChild(out[i], [&](uint32_t c) { out.push_back(c); });
  return out;
}

// ---- NodeTree: construction.

NodeTree::NodeTree() : impl_(std::make_unique<Impl>()) {}
NodeTree::NodeTree(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
NodeTree::~NodeTree() = default;
NodeTree::NodeTree(NodeTree&&) noexcept = default;
NodeTree& NodeTree::operator=(NodeTree&&) noexcept = default;

Status NodeTree::UseColdColumn(const std::string& dir) {
  ARBOR_ASSIGN_OR_RETURN(std::shared_ptr<ColdColumn> cold, ColdColumn::Create(dir));
  impl_->MoveToColdColumn(std::move(cold));
  return Status::Ok();
}

bool NodeTree::has_cold_column() const { return impl_->cold_ != nullptr; }

NodeTree NodeTree::Clone() const {
  auto copy = std::make_unique<Impl>(*impl_);
  copy->dirty_.clear();
  copy->deleted_.clear();
  for (size_t s = 0; s < copy->slots_.size(); ++s) copy->slots_[s].flags &= static_cast<uint8_t>(~kSlotDirty);
  return NodeTree(std::move(copy));
}

// ---- Navigation.

namespace {

Status NoDir(NodeId id) { return Status::NotFound("directory " + std::to_string(id) + " not in the index"); }

}  // namespace

std::optional<NodeId> NodeTree::root() const {
  if (impl_->root_ == kNoSlot) return std::nullopt;
  return RecordNodeId(impl_->Rec(impl_->root_));
}

Result<NodeInfo> NodeTree::Directory(NodeId dir) const {
  uint32_t s = impl_->SlotOf(dir);
  if (s == kNoSlot) return NoDir(dir);
  return impl_->DirInfo(s);
}

Result<std::string> NodeTree::DirectoryRef(NodeId dir) const {
  uint32_t s = impl_->SlotOf(dir);
  if (s == kNoSlot) return NoDir(dir);
  return std::string(impl_->View(s).ref());
}

Result<NodeInfo> NodeTree::Lookup(std::string_view path, ContentFacts content) const {
  const Impl& m = *impl_;
  if (m.root_ == kNoSlot) return Status::NotFound("empty index");
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  uint32_t cur = m.root_;
  while (!path.empty()) {
    size_t cut = path.find('/');
    std::string_view part = path.substr(0, cut);
    path = cut == std::string_view::npos ? std::string_view() : path.substr(cut + 1);
    if (part.empty() || part == "." || part == "..") return Status::InvalidArgument("bad path component");
    // A leaf directory has no subdirectory to probe for: skip the hash table (and its
    // cache misses) and search the record's files directly.
    uint32_t next = m.slots_[cur].first_child == kNoSlot ? kNoSlot : m.ChildDir(cur, part);
    if (next != kNoSlot) {
      cur = next;
      continue;
    }
    FileEntry e;
    size_t index = 0;
    RecordView v = m.View(cur);
    if (!path.empty() || !v.Find(part, &e, &index)) return Status::NotFound("no such path");
    if (content == ContentFacts::kSkip) {  // 0 in both forms, whatever the record holds
      e.stamp = 0;
      e.hash = 0;
    } else if (v.hot()) {  // one cell from the cold column, not the directory's whole run
      std::vector<ColdCell> cell;
      m.cold_->Read(v.cold_ref() + index * kColdCellBytes, 1, &cell);
      e.stamp = cell[0].stamp;
      e.hash = cell[0].hash;
    }
    NodeInfo info;
    Impl::ToInfo(e, RecordNodeId(m.Rec(cur)), &info);
    return info;
  }
  return m.DirInfo(cur);
}

Result<std::string> NodeTree::PathOf(NodeId dir) const {
  const Impl& m = *impl_;
  uint32_t s = m.SlotOf(dir);
  if (s == kNoSlot) return NoDir(dir);
  std::vector<std::string_view> parts;
  for (; s != m.root_; s = m.slots_[s].parent) {
    if (s == kNoSlot || (m.slots_[s].flags & kSlotDamaged)) {
      return Status::Corruption("path of directory " + std::to_string(dir) + " crosses a damaged record");
    }
    parts.push_back(RecordName(m.Rec(s)));
  }
  if (parts.empty()) return std::string("/");
  std::string out;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    out.push_back('/');
    out.append(*it);
  }
  return out;
}

Result<std::string> NodeTree::PathOf(const NodeInfo& node) const {
  if (node.kind == NodeKind::kDirectory) return PathOf(node.node_id);
  ARBOR_ASSIGN_OR_RETURN(std::string dir, PathOf(node.parent_id));
  if (dir.size() > 1) dir.push_back('/');
  dir.append(node.name);
  return dir;
}

Result<std::vector<NodeInfo>> NodeTree::List(NodeId dir) const {
  const Impl& m = *impl_;
  uint32_t s = m.SlotOf(dir);
  if (s == kNoSlot) return NoDir(dir);
  auto by_name = [](const NodeInfo& a, const NodeInfo& b) { return a.name < b.name; };
  std::vector<NodeInfo> out;
  m.ForEachChild(s, [&](uint32_t c) { out.push_back(m.DirInfo(c)); });
  std::sort(out.begin(), out.end(), by_name);
  auto dirs = static_cast<std::ptrdiff_t>(out.size());
  std::vector<ColdCell> cells;
  RecordView v = m.FullView(s, &cells);
  out.reserve(out.size() + v.file_count());
  // The record keeps its files in name order: decoded in place (one copy of each name)
  // and merged with the sorted subdirectories, not sorted again (a listing of 1,000
  // entries is the issue's < 1 ms case).
  EntryCursor cur(v);
  FileEntry e;
  while (cur.Next(&e)) Impl::ToInfo(e, dir, &out.emplace_back());
  std::inplace_merge(out.begin(), out.begin() + dirs, out.end(), by_name);
  return out;
}

Result<std::vector<NodeId>> NodeTree::Subdirectories(NodeId dir) const {
  uint32_t s = impl_->SlotOf(dir);
  if (s == kNoSlot) return NoDir(dir);
  std::vector<NodeId> out;
  impl_->ForEachChild(s, [&](uint32_t c) { out.push_back(RecordNodeId(impl_->Rec(c))); });
  return out;
}

Result<SubtreeTotals> NodeTree::Totals(NodeId dir) const {
  uint32_t s = impl_->SlotOf(dir);
  if (s == kNoSlot) return NoDir(dir);
  const Slot& sl = impl_->slots_[s];
  return SubtreeTotals{sl.tree_bytes, sl.tree_files, sl.tree_dirs};
}

Status NodeTree::ForEachFile(NodeId dir, const std::function<void(const NodeInfo&)>& fn) const {
  uint32_t s = impl_->SlotOf(dir);
  if (s == kNoSlot) return NoDir(dir);
  NodeInfo info;
  impl_->ForEachEntry(s, [&](const FileEntry& e, NodeId parent) {
    Impl::ToInfo(e, parent, &info);
    fn(info);
  });
  return Status::Ok();
}

size_t NodeTree::directory_count() const { return impl_->live_; }

uint64_t NodeTree::file_count() const { return impl_->files_; }

MemoryUsage NodeTree::Memory() const {
  MemoryUsage u;
  for (size_t i = 0; i < impl_->slots_.size(); ++i) {
    if (impl_->slots_[i].rec) u.record_bytes += impl_->slots_[i].rec.get()->AllocatedBytes();
  }
  u.slot_bytes = impl_->slots_.capacity() * sizeof(Slot) + impl_->free_.capacity() * sizeof(uint32_t) +
                 impl_->dirty_.capacity() * sizeof(uint32_t) + impl_->deleted_.capacity() * sizeof(NodeId);
  u.table_bytes = impl_->ids_.MemoryBytes() + impl_->names_.MemoryBytes();
  if (impl_->cold_) u.cold_file_bytes = impl_->cold_->bytes_written();
  return u;
}

}  // namespace arbor::node_index
