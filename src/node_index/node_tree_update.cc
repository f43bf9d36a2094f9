// NodeTree writes. Each public write changes exactly the records it names: a directory's
// own record for PutDirectory/PutFile/RemoveFile/MoveDirectory, and deletions for
// DeleteSubtree. Aggregates of ancestors are fixed up along the parent chain, O(depth).
#include <algorithm>

#include "node_index/node_tree.h"
#include "node_index/node_tree_impl.h"
#include "node_index/record_format.h"

namespace arbor::node_index {
namespace {

bool ValidName(std::string_view name) {
  return !name.empty() && name.size() <= kMaxNameLength && name != "." && name != ".." &&
         name.find('/') == std::string_view::npos && name.find('\0') == std::string_view::npos;
}

Status BadName(std::string_view name) {
  return Status::InvalidArgument("invalid node name \"" + std::string(name.substr(0, 64)) + "\"");
}

FileEntry ToEntry(const FileFacts& f) {
  return FileEntry{
      f.name, f.kind, f.size, MtimeSeconds(f.mtime_ns), f.node_id, ChangeStamp(f.mtime_ns, f.change_key),
      f.hash};
}

Result<std::vector<FileEntry>> ToEntries(std::span<const FileFacts> files) {
  std::vector<FileEntry> out;
  out.reserve(files.size());
  for (const FileFacts& f : files) {
    if (!ValidName(f.name)) return BadName(f.name);
    if (f.kind == NodeKind::kDirectory)
      return Status::InvalidArgument("a directory passed as a file: " + f.name);
    out.push_back(ToEntry(f));
  }
  std::sort(out.begin(), out.end(), [](const FileEntry& a, const FileEntry& b) { return a.name < b.name; });
  for (size_t i = 1; i < out.size(); ++i) {
    if (out[i].name == out[i - 1].name) return Status::InvalidArgument("duplicate name " + out[i].name);
  }
  return out;
}

Result<DirHeader> ToHeader(const DirFacts& d) {
  bool root = d.node_id == d.parent_id;
  if (!root && !ValidName(d.name)) return BadName(d.name);
  if (d.ref.size() > kMaxRefLength) return Status::InvalidArgument("directory ref longer than 255 bytes");
  return DirHeader{
      d.node_id, d.parent_id, d.name, MtimeSeconds(d.mtime_ns), ChangeStamp(d.mtime_ns, d.change_key), d.ref};
}

Status NoDir(NodeId id) { return Status::NotFound("directory " + std::to_string(id) + " not in the index"); }

}  // namespace

namespace {

// Write helpers that need the Impl; kept here so node_tree.cc stays about reading.
class Writer {
 public:
  explicit Writer(NodeTree::Impl& m) : m_(m) {}

  Status Create(const DirHeader& h, std::string_view rec) {
    bool is_root = h.parent_id == h.node_id;
    uint32_t parent = kNoSlot;
    if (is_root && m_.root_ != kNoSlot) {
      return Status::InvalidArgument("the tree already has a root: " +
                                     std::to_string(RecordNodeId(m_.Rec(m_.root_))));
    }
    if (!is_root && (parent = m_.SlotOf(h.parent_id)) == kNoSlot) return NoDir(h.parent_id);
    uint32_t s = m_.AddSlot(rec, kSlotSeen);
    m_.MarkDirty(s);
    RecordView v = m_.View(s);
    Slot& sl = m_.slots_[s];
    sl.tree_bytes = v.own_bytes();
    sl.tree_files = v.file_count();
    sl.max_bits = SizeBits(v.max_size());
    if (is_root) {
      m_.root_ = s;
      return Status::Ok();
    }
    Attach(s, parent);
    return Status::Ok();
  }

  // Rewrites a live directory's record; moves it when the header names a new parent.
  Status Rewrite(uint32_t s, std::string_view rec) {
    NodeId new_parent_id = RecordParentId(rec);
    uint32_t new_parent = m_.slots_[s].parent;
    bool moving = RecordParentId(m_.Rec(s)) != new_parent_id;
    if (moving) {
      if (s == m_.root_ || new_parent_id == RecordNodeId(rec)) {
        return Status::InvalidArgument("the root cannot move and a directory cannot become the root");
      }
      new_parent = m_.SlotOf(new_parent_id);
      if (new_parent == kNoSlot) return NoDir(new_parent_id);
      for (uint32_t a = new_parent; a != kNoSlot; a = m_.slots_[a].parent) {
        if (a == s) return Status::InvalidArgument("cannot move a directory below itself");
      }
    }
    m_.slots_[s].flags |= kSlotSeen;
    if (rec == m_.Rec(s)) return Status::Ok();
    m_.NameErase(s);
    if (moving) {
      Detach(s);
      Attach(s, new_parent);
      m_.NameErase(s);
    }
    m_.SetRecord(s, rec);
    m_.NameInsert(s);
    return Status::Ok();
  }

  void Detach(uint32_t s) {
    const Slot& sl = m_.slots_[s];
    if (sl.parent != kNoSlot) m_.AddUp(sl.parent, -sl.tree_bytes, -sl.tree_files, -(sl.tree_dirs + 1), 0);
    m_.NameErase(s);
    m_.Unlink(s);
  }

  void Attach(uint32_t s, uint32_t parent) {
    m_.Link(s, parent);
    const Slot& sl = m_.slots_[s];
    m_.AddUp(parent, sl.tree_bytes, sl.tree_files, sl.tree_dirs + 1, sl.max_bits);
    m_.NameInsert(s);
  }

  size_t DeleteTree(uint32_t s) {
    std::vector<uint32_t> all = m_.SubtreeSlots(s);
    Detach(s);
    for (uint32_t x : all) {
      m_.deleted_.push_back(RecordNodeId(m_.Rec(x)));
      m_.FreeSlot(x);
    }
    return all.size();
  }

  // Re-encodes a directory with `files` after an edit of one child.
  Status RewriteFiles(uint32_t s, std::span<const FileEntry> files) {
    m_.SetRecord(s, m_.Encode(m_.View(s).Header(), files, kNoSlot));
    return Status::Ok();
  }

 private:
  NodeTree::Impl& m_;
};

}  // namespace

Status NodeTree::PutDirectory(const DirFacts& dir, std::span<const FileFacts> files) {
  ARBOR_ASSIGN_OR_RETURN(DirHeader header, ToHeader(dir));
  ARBOR_ASSIGN_OR_RETURN(std::vector<FileEntry> entries, ToEntries(files));
  uint32_t s = impl_->SlotOf(dir.node_id);
  std::string rec = impl_->Encode(header, entries, s);
  Writer w(*impl_);
  ARBOR_RETURN_IF_ERROR(s == kNoSlot ? w.Create(header, rec) : w.Rewrite(s, rec));
  impl_->MaybeCompactColdColumn();
  return Status::Ok();
}

Status NodeTree::MoveDirectory(NodeId dir, NodeId new_parent, std::string_view new_name) {
  uint32_t s = impl_->SlotOf(dir);
  if (s == kNoSlot) return NoDir(dir);
  if (!ValidName(new_name)) return BadName(new_name);
  RecordView v = impl_->View(s);
  DirHeader h = v.Header();
  h.parent_id = new_parent;
  h.name = new_name;
  return Writer(*impl_).Rewrite(s, ReplaceHeader(v, h));
}

Status NodeTree::PutFile(NodeId dir, const FileFacts& file) {
  uint32_t s = impl_->SlotOf(dir);
  if (s == kNoSlot) return NoDir(dir);
  ARBOR_ASSIGN_OR_RETURN(std::vector<FileEntry> one, ToEntries(std::span(&file, 1)));
  std::vector<FileEntry> files;
  std::vector<ColdCell> cells;
  ARBOR_RETURN_IF_ERROR(impl_->FullView(s, &cells).DecodeAll(&files));
  auto it = std::lower_bound(files.begin(), files.end(), one[0],
                             [](const FileEntry& a, const FileEntry& b) { return a.name < b.name; });
  if (it != files.end() && it->name == one[0].name) {
    if (*it == one[0]) return Status::Ok();
    *it = one[0];
  } else {
    files.insert(it, one[0]);
  }
  ARBOR_RETURN_IF_ERROR(Writer(*impl_).RewriteFiles(s, files));
  impl_->MaybeCompactColdColumn();
  return Status::Ok();
}

Status NodeTree::RemoveFile(NodeId dir, std::string_view name) {
  uint32_t s = impl_->SlotOf(dir);
  if (s == kNoSlot) return NoDir(dir);
  std::vector<FileEntry> files;
  std::vector<ColdCell> cells;
  ARBOR_RETURN_IF_ERROR(impl_->FullView(s, &cells).DecodeAll(&files));
  auto it = std::find_if(files.begin(), files.end(), [&](const FileEntry& e) { return e.name == name; });
  if (it == files.end()) return Status::NotFound("no file \"" + std::string(name) + "\" in directory");
  files.erase(it);
  return Writer(*impl_).RewriteFiles(s, files);
}

Status NodeTree::DeleteSubtree(NodeId dir) {
  uint32_t s = impl_->SlotOf(dir);
  if (s == kNoSlot) return NoDir(dir);
  Writer(*impl_).DeleteTree(s);
  return Status::Ok();
}

Status NodeTree::KeepSubtree(NodeId dir) {
  uint32_t s = impl_->SlotOf(dir);
  if (s == kNoSlot) return NoDir(dir);
  for (uint32_t x : impl_->SubtreeSlots(s)) impl_->slots_[x].flags |= kSlotSeen;
  return Status::Ok();
}

Result<size_t> NodeTree::FinishScan(NodeId scope) {
  uint32_t s = impl_->SlotOf(scope);
  if (s == kNoSlot) return NoDir(scope);
  std::vector<uint32_t> all = impl_->SubtreeSlots(s);
  size_t deleted = 0;
  Writer w(*impl_);
  for (uint32_t x : all) {
    // Pre-order: an unseen directory goes with its whole subtree, so slots freed by an
    // earlier deletion are skipped here (nothing is allocated during the loop).
    if (impl_->Live(x) && !(impl_->slots_[x].flags & kSlotSeen)) deleted += w.DeleteTree(x);
  }
  for (uint32_t x : all) {
    if (impl_->Live(x)) impl_->slots_[x].flags &= static_cast<uint8_t>(~kSlotSeen);
  }
  return deleted;
}

}  // namespace arbor::node_index
