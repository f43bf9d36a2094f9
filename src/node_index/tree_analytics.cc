// LargestFiles, ExtensionStats and Duplicates: scans over directory records.
#include "node_index/tree_analytics.h"

#include <algorithm>
#include <map>
#include <queue>
#include <unordered_map>

#include "node_index/node_tree_impl.h"

namespace arbor::node_index {
namespace {

Status NoDir(NodeId id) { return Status::NotFound("directory " + std::to_string(id) + " not in the index"); }

struct BySizeDesc {
  bool operator()(const NodeInfo& a, const NodeInfo& b) const { return a.size > b.size; }
};

}  // namespace

Result<std::vector<NodeInfo>> LargestFiles(const NodeTree& tree, NodeId dir, size_t n) {
  const NodeTree::Impl& m = TreeAccess::Of(tree);
  uint32_t start = m.SlotOf(dir);
  if (start == kNoSlot) return NoDir(dir);
  // Min-heap of the best n so far; its top is the size a newcomer must beat.
  std::priority_queue<NodeInfo, std::vector<NodeInfo>, BySizeDesc> best;
  std::vector<uint32_t> stack{start};
  NodeInfo info;
  FileEntry e;
  std::vector<ColdCell> cells;
  while (!stack.empty() && n > 0) {
    uint32_t s = stack.back();
    stack.pop_back();
    uint8_t need = best.size() == n ? SizeBits(best.top().size) : 0;
    if (m.slots_[s].max_bits < need) continue;  // nothing below is big enough
    RecordView v = m.View(s);
    if (SizeBits(v.max_size()) >= need) {
      v = m.FullView(s, &cells);
      for (EntryCursor c(v); c.Next(&e);) {
        if (best.size() == n && e.size <= best.top().size) continue;
        NodeTree::Impl::ToInfo(e, v.node_id(), &info);
        best.push(info);
        if (best.size() > n) best.pop();
      }
    }
    m.ForEachChild(s, [&](uint32_t c) { stack.push_back(c); });
  }
  std::vector<NodeInfo> out;
  for (; !best.empty(); best.pop()) out.push_back(best.top());
  std::reverse(out.begin(), out.end());
  return out;
}

Result<std::vector<ExtensionStat>> ExtensionStats(const NodeTree& tree, NodeId dir) {
  const NodeTree::Impl& m = TreeAccess::Of(tree);
  uint32_t start = m.SlotOf(dir);
  if (start == kNoSlot) return NoDir(dir);
  std::unordered_map<std::string, ExtensionStat> by_ext;
  std::string key;
  auto count = [&](const FileEntry& f, NodeId) {
    std::string_view stem, ext;
    SplitExtension(f.name, &stem, &ext);
    key.assign(ext);
    ExtensionStat& st = by_ext[key];
    st.files++;
    st.bytes += f.size;
  };
  m.ForEachEntry(start, count, NodeTree::Impl::Cells::kSkip);  // sizes and names only
  std::vector<ExtensionStat> out;
  out.reserve(by_ext.size());
  for (auto& [k, v] : by_ext) {
    v.extension = k;
    out.push_back(std::move(v));
  }
  std::sort(out.begin(), out.end(), [](const ExtensionStat& a, const ExtensionStat& b) {
    return a.bytes != b.bytes ? a.bytes > b.bytes : a.extension < b.extension;
  });
  return out;
}

Result<std::vector<DuplicateGroup>> Duplicates(const NodeTree& tree, uint64_t min_size) {
  const NodeTree::Impl& m = TreeAccess::Of(tree);
  if (m.root_ == kNoSlot) return std::vector<DuplicateGroup>{};
  // Pass 1 sorts every eligible hash (8 bytes per file, freed before pass 2) to find the
  // values seen more than once; pass 2 keeps exactly the files with those values, so the
  // NodeInfo copies are made for duplicates only.
  auto eligible = [&](const FileEntry& f) { return f.size >= min_size && f.hash != 0; };
  std::vector<uint64_t> repeated;
  {
    std::vector<uint64_t> hashes;
    hashes.reserve(tree.file_count());
    m.ForEachEntry(m.root_, [&](const FileEntry& f, NodeId) {
      if (eligible(f)) hashes.push_back(f.hash);
    });
    std::sort(hashes.begin(), hashes.end());
    for (size_t i = 1; i < hashes.size(); ++i) {
      if (hashes[i] == hashes[i - 1] && (repeated.empty() || repeated.back() != hashes[i])) {
        repeated.push_back(hashes[i]);
      }
    }
  }
  std::vector<NodeInfo> cand;
  m.ForEachEntry(m.root_, [&](const FileEntry& f, NodeId parent) {
    if (!eligible(f) || !std::binary_search(repeated.begin(), repeated.end(), f.hash)) return;
    cand.emplace_back();
    NodeTree::Impl::ToInfo(f, parent, &cand.back());
  });
  std::sort(cand.begin(), cand.end(), [](const NodeInfo& a, const NodeInfo& b) {
    return a.hash != b.hash ? a.hash < b.hash : a.size < b.size;
  });
  std::vector<DuplicateGroup> out;
  for (size_t i = 0, j; i < cand.size(); i = j) {
    for (j = i + 1; j < cand.size() && cand[j].hash == cand[i].hash && cand[j].size == cand[i].size;) ++j;
    if (j - i < 2) continue;
    out.push_back({cand[i].hash, cand[i].size, {cand.begin() + i, cand.begin() + j}});
  }
  std::sort(out.begin(), out.end(), [](const DuplicateGroup& a, const DuplicateGroup& b) {
    return a.size * (a.nodes.size() - 1) > b.size * (b.nodes.size() - 1);
  });
  return out;
}

}  // namespace arbor::node_index
