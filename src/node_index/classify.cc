// NodeTree::Classify: the backup engine's change detection for one directory listing.
// A merge of the sorted listing with the record's entries (already in name order), so a
// directory of a million files costs one sort and one sequential decode, not a million
// lookups.
#include <algorithm>
#include <numeric>

#include "node_index/node_tree.h"
#include "node_index/node_tree_impl.h"

namespace arbor::node_index {
namespace {

ChildStatus Compare(const FileEntry& stored, const FileFacts& now) {
  if (stored.node_id != now.node_id) return {ChildChange::kReplaced, 0};
  bool same = stored.kind == now.kind && stored.size == now.size &&
              stored.mtime_s == MtimeSeconds(now.mtime_ns) &&
              stored.stamp == ChangeStamp(now.mtime_ns, now.change_key);
  return same ? ChildStatus{ChildChange::kUnchanged, stored.hash} : ChildStatus{ChildChange::kModified, 0};
}

}  // namespace

Result<Classification> NodeTree::Classify(NodeId dir, std::span<const FileFacts> listing) const {
  Classification out;
  out.children.resize(listing.size());
  uint32_t s = impl_->SlotOf(dir);
  if (s == kNoSlot) return out;
  out.directory_known = true;
  std::vector<uint32_t> order(listing.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return listing[a].name < listing[b].name; });
  std::vector<ColdCell> cells;
  RecordView v = impl_->FullView(s, &cells);
  EntryCursor cur(v);
  FileEntry e;
  bool have = cur.Next(&e);
  NodeInfo gone;
  for (uint32_t i : order) {
    const FileFacts& now = listing[i];
    for (; have && e.name < now.name; have = cur.Next(&e)) {
      Impl::ToInfo(e, dir, &gone);
      out.removed.push_back(gone);
    }
    if (have && e.name == now.name) {
      out.children[i] = Compare(e, now);
      have = cur.Next(&e);
    }
  }
  for (; have; have = cur.Next(&e)) {
    Impl::ToInfo(e, dir, &gone);
    out.removed.push_back(gone);
  }
  if (!cur.ok()) return Status::Corruption("directory " + std::to_string(dir) + ": malformed record");
  return out;
}

}  // namespace arbor::node_index
