// Diff of two trees by stable node ids. Directory pairs are matched by id; a pair whose
// records are the same buffer (shared by Clone) or the same bytes is skipped (hot records
// only when both trees share one cold column: a cold_ref means nothing across two). Files of
// changed pairs are merged by name; adds and deletes with one node id become moves.
#include <unordered_map>

#include "node_index/node_tree_impl.h"
#include "node_index/tree_analytics.h"

namespace arbor::node_index {
namespace {

using Impl = NodeTree::Impl;

bool SameFacts(const FileEntry& a, const FileEntry& b) {
  return a.kind == b.kind && a.size == b.size && a.mtime_s == b.mtime_s && a.stamp == b.stamp &&
         a.hash == b.hash;
}

class Differ {
 public:
  Differ(const Impl& older, const Impl& newer) : old_(older), new_(newer) {}

  TreeChanges Run() {
    for (uint32_t s = 0; s < new_.slots_.size(); ++s) {
      if (!new_.Live(s) || Shared(s)) continue;
      uint32_t o = old_.SlotOf(RecordNodeId(new_.Rec(s)));
      if (o == kNoSlot) {
        AllFiles(new_, s, &adds_);
        adds_.push_back(new_.DirInfo(s));
      } else if (old_.Rec(o) != new_.Rec(s) || !SameColdColumn(o, s)) {
        Pair(o, s);
      }
    }
    for (uint32_t o = 0; o < old_.slots_.size(); ++o) {
      if (!old_.Live(o) || SharedOld(o) || new_.SlotOf(RecordNodeId(old_.Rec(o))) != kNoSlot) continue;
      AllFiles(old_, o, &dels_);
      dels_.push_back(old_.DirInfo(o));
    }
    MatchMoves();
    return std::move(out_);
  }

 private:
  bool Shared(uint32_t s) const {
    return s < old_.slots_.size() && old_.slots_[s].rec.get() == new_.slots_[s].rec.get();
  }
  bool SharedOld(uint32_t o) const {
    return o < new_.slots_.size() && old_.slots_[o].rec.get() == new_.slots_[o].rec.get();
  }

  // Equal bytes mean equal entries only when a hot record's cold_ref reads the same column.
  bool SameColdColumn(uint32_t o, uint32_t s) const {
    return old_.cold_ == new_.cold_ || (!old_.View(o).hot() && !new_.View(s).hot());
  }

  static void AllFiles(const Impl& m, uint32_t s, std::vector<NodeInfo>* out) {
    std::vector<ColdCell> cells;
    RecordView v = m.FullView(s, &cells);
    FileEntry e;
    NodeInfo info;
    for (EntryCursor c(v); c.Next(&e);) {
      Impl::ToInfo(e, v.node_id(), &info);
      out->push_back(info);
    }
  }

  void Pair(uint32_t o, uint32_t s) {
    std::vector<ColdCell> cells_a, cells_b;
    RecordView a = old_.FullView(o, &cells_a), b = new_.FullView(s, &cells_b);
    if (a.parent_id() != b.parent_id() || a.name() != b.name()) {
      out_.moved.push_back({old_.DirInfo(o), new_.DirInfo(s)});
    }
    EntryCursor ca(a), cb(b);
    FileEntry ea, eb;
    bool ha = ca.Next(&ea), hb = cb.Next(&eb);
    NodeInfo x, y;
    while (ha || hb) {
      if (hb && (!ha || eb.name < ea.name)) {
        Impl::ToInfo(eb, b.node_id(), &y);
        adds_.push_back(y);
        hb = cb.Next(&eb);
      } else if (ha && (!hb || ea.name < eb.name)) {
        Impl::ToInfo(ea, a.node_id(), &x);
        dels_.push_back(x);
        ha = ca.Next(&ea);
      } else {
        Impl::ToInfo(ea, a.node_id(), &x);
        Impl::ToInfo(eb, b.node_id(), &y);
        if (ea.node_id != eb.node_id) {
          dels_.push_back(x);
          adds_.push_back(y);
        } else if (!SameFacts(ea, eb)) {
          out_.modified.push_back({x, y});
        }
        ha = ca.Next(&ea);
        hb = cb.Next(&eb);
      }
    }
  }

  // An id deleted in one place and added in another moved (renamed files too).
  void MatchMoves() {
    std::unordered_map<NodeId, size_t> deleted_at;
    for (size_t i = 0; i < dels_.size(); ++i) deleted_at.emplace(dels_[i].node_id, i);
    std::vector<bool> paired(dels_.size());
    for (NodeInfo& add : adds_) {
      auto it = deleted_at.find(add.node_id);
      if (it == deleted_at.end() || paired[it->second] ||
          (dels_[it->second].kind == NodeKind::kDirectory) != (add.kind == NodeKind::kDirectory)) {
        out_.added.push_back(std::move(add));
        continue;
      }
      paired[it->second] = true;
      out_.moved.push_back({dels_[it->second], std::move(add)});
    }
    for (size_t i = 0; i < dels_.size(); ++i) {
      if (!paired[i]) out_.deleted.push_back(std::move(dels_[i]));
    }
  }

  const Impl& old_;
  const Impl& new_;
  std::vector<NodeInfo> adds_, dels_;
  TreeChanges out_;
};

}  // namespace

Result<TreeChanges> Diff(const NodeTree& older, const NodeTree& newer) {
  return Differ(TreeAccess::Of(older), TreeAccess::Of(newer)).Run();
}

}  // namespace arbor::node_index
