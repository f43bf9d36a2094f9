// Internal state of NodeTree, shared by its .cc files, the tree builder, the stores and
// the analytics. Not a public header.
//
// Memory shape per directory: one 48-byte Slot, one record buffer (encoded bytes +
// 8-byte refcount/size + malloc overhead) and one 4-byte cell in each of two hash tables.
// Files cost only their bytes inside their directory's record.
#pragma once

#include <xxhash.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "node_index/cold_column.h"
#include "node_index/node_tree.h"
#include "node_index/record_buf.h"
#include "node_index/record_codec.h"
#include "node_index/slot_table.h"
#include "node_index/slot_vector.h"

namespace arbor::node_index {

enum SlotFlag : uint8_t {
  kSlotDirty = 1,    // written since the last save
  kSlotSeen = 2,     // touched in the current scan (FinishScan)
  kSlotNamed = 4,    // present in the name table
  kSlotDamaged = 8,  // a placeholder for a record that failed to load
};

struct Slot {
  RecordPtr rec;  // empty: the slot is free
  uint32_t parent = kNoSlot;
  uint32_t first_child = kNoSlot;
  uint32_t next_sibling = kNoSlot;
  uint32_t prev_sibling = kNoSlot;
  uint64_t tree_bytes = 0;  // own files plus all descendants
  uint64_t tree_files = 0;
  uint32_t tree_dirs = 0;  // descendants, not itself
  uint8_t max_bits = 0;    // upper bound on bit width of the largest file size below
  uint8_t flags = 0;
};

class NodeTree::Impl {
 public:
  // Keeps the cold column in $ARBOR_INDEX_COLD_DIR when that is set (docs/format/node-index.md).
  Impl();

  uint32_t SlotOf(NodeId id) const;
  uint32_t ChildDir(uint32_t parent, std::string_view name) const;
  std::string_view Rec(uint32_t s) const { return slots_[s].rec.bytes(); }
  // The record of s; a hot record's entries decode without stamp and hash.
  RecordView View(uint32_t s) const;
  // The record of s with every entry whole: a hot record gets its cold cells, read into *cells.
  RecordView FullView(uint32_t s, std::vector<ColdCell>* cells) const;
  // The record bytes for `header` and `files` (sorted) as this tree keeps them: version 1,
  // or hot with the cells in the cold column. `reuse` (a live slot or kNoSlot) is the
  // directory's current record: when its cells are the same, its run is reused, so an
  // unchanged directory encodes to the very bytes it has.
  std::string Encode(const DirHeader& header, std::span<const FileEntry> files, uint32_t reuse) const;
  // The version-1 bytes of s, as stores keep them: the record itself, or rebuilt from a
  // hot record and its cells into *scratch.
  std::string_view StoredRecord(uint32_t s, std::string* scratch) const;
  // Turns every record hot, its cells into `cold` (which the tree then keeps).
  void MoveToColdColumn(std::shared_ptr<ColdColumn> cold);
  // After a write: a new column with the live runs only, once dead runs dominate the file.
  void MaybeCompactColdColumn();
  NodeInfo DirInfo(uint32_t s) const;
  bool Live(uint32_t s) const { return s < slots_.size() && slots_[s].rec; }

  uint32_t AddSlot(std::string_view record, uint8_t flags);
  void FreeSlot(uint32_t s);
  void Link(uint32_t s, uint32_t parent);
  void Unlink(uint32_t s);
  void NameInsert(uint32_t s);
  void NameErase(uint32_t s);
  // Adds (two's complement) to `from` and every ancestor.
  void AddUp(uint32_t from, uint64_t bytes, uint64_t files, uint32_t dirs, uint8_t max_bits);
  // Replaces a live slot's record, fixing its ancestors' totals; marks it dirty.
  void SetRecord(uint32_t s, std::string_view record);
  void MarkDirty(uint32_t s);
  template <typename Fn>
  void ForEachChild(uint32_t s, Fn fn) const {
    for (uint32_t c = slots_[s].first_child; c != kNoSlot; c = slots_[c].next_sibling) fn(c);
  }
  // Every slot at or below s (s first, pre-order).
  std::vector<uint32_t> SubtreeSlots(uint32_t s) const;
  // fn(const FileEntry&, NodeId parent) for every file at or below s; the entry is reused
  // between calls. The scan behind ForEachFile and the analytics, without copying names.
  // Cells::kSkip: a scan that needs no stamp or hash leaves the cold column unread.
  enum class Cells : uint8_t { kRead, kSkip };
  template <typename Fn>
  void ForEachEntry(uint32_t s, Fn fn, Cells want = Cells::kRead) const {
    FileEntry e;
    std::vector<ColdCell> cells;
    for (uint32_t d : SubtreeSlots(s)) {
      RecordView v = want == Cells::kRead ? FullView(d, &cells) : View(d);
      for (EntryCursor c(v); c.Next(&e);) fn(e, v.node_id());
    }
  }
  // Non-directory node of a directory record, as NodeInfo.
  static void ToInfo(const FileEntry& e, NodeId parent, NodeInfo* out);

  uint64_t IdHash(NodeId id) const { return XXH3_64bits(&id, sizeof id); }
  uint64_t NameHash(uint32_t parent, std::string_view name) const {
    return XXH3_64bits_withSeed(name.data(), name.size(), parent);
  }

  std::shared_ptr<ColdColumn> cold_;  // null: every record is version 1, stamps and hashes in RAM
  ChunkedVector<Slot> slots_;
  std::vector<uint32_t> free_;
  SlotTable ids_;
  SlotTable names_;
  uint32_t root_ = kNoSlot;
  size_t live_ = 0;
  uint64_t files_ = 0;           // files in every live record: file_count() without a walk
  std::vector<uint32_t> dirty_;  // may hold stale or repeated slots; kSlotDirty decides
  std::vector<NodeId> deleted_;  // directory ids deleted since the last save
};

// Width in bits of a file size (0 for 0): the unit of Slot::max_bits.
inline uint8_t SizeBits(uint64_t size) {
  return static_cast<uint8_t>(size == 0 ? 0 : 64 - __builtin_clzll(size));
}

// The door for code inside arbor_index that needs the internals.
class TreeAccess {
 public:
  static NodeTree::Impl& Of(NodeTree& t) { return *t.impl_; }
  static const NodeTree::Impl& Of(const NodeTree& t) { return *t.impl_; }
  static NodeTree Make(std::unique_ptr<NodeTree::Impl> impl) { return NodeTree(std::move(impl)); }
};

// Builds a tree from stored records in any order (children before parents is fine).
// A record that fails to parse, validate or match its key becomes a damaged placeholder
// and one Corruption status naming the directory; everything else still loads.
class TreeBuilder {
 public:
  TreeBuilder();
  void Reserve(size_t directories);
  void Add(NodeId key, std::string_view record);
  // Links parents, fills aggregates. `errors` receives one status per bad directory.
  NodeTree Finish(std::vector<Status>* errors);

 private:
  uint32_t Placeholder(NodeId id);
  void LinkAll();
  void ComputeTotals();

  std::unique_ptr<NodeTree::Impl> impl_;
  std::vector<Status> errors_;
};

}  // namespace arbor::node_index
