#include "server/snapshot_analytics.h"

#include <algorithm>
#include <charconv>

#include "server/api_routes.h"
#include "server/page_token.h"
#include "server/tree_page.h"

namespace arbor::server {
namespace {

// Keeps the first `limit` rows and sums the rest (bytes, files) into *other.
template <typename Row>
void KeepFirst(size_t limit, std::vector<Row>* rows, OtherEntries* other) {
  for (size_t i = limit; i < rows->size(); ++i) {
    other->entries++;
    other->bytes += (*rows)[i].bytes;
    other->files += (*rows)[i].files;
  }
  if (rows->size() > limit) rows->resize(limit);
}

// Duplicate page tokens carry "g<index of the next candidate group>".
Result<size_t> FirstGroup(const std::string& page_token) {
  if (page_token.empty()) return 0;
  ARBOR_ASSIGN_OR_RETURN(std::string at, DecodePageToken(page_token));
  size_t n = 0;
  auto [end, ec] = std::from_chars(at.data() + 1, at.data() + at.size(), n);
  if (at[0] != 'g' || ec != std::errc() || end != at.data() + at.size())
    return Status::InvalidArgument("page_token is not one of a duplicates listing");
  return n;
}

}  // namespace

nlohmann::json DuplicatesReport::ToJson() const {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& g : groups) {
    items.push_back(
        {{"size", g.size}, {"copies", g.copies}, {"wasted_bytes", g.wasted()}, {"paths", g.paths}});
  }
  nlohmann::json out = {{"path", path.empty() ? nlohmann::json(nullptr) : nlohmann::json(path)},
                        {"candidate_groups", candidate_groups},
                        {"candidate_wasted_bytes", candidate_wasted},
                        {"groups", std::move(items)}};
  if (!next_page_token.empty()) out["next_page_token"] = next_page_token;
  return out;
}

nlohmann::json DuReport::ToJson() const {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& e : entries) {
    items.push_back({{"name", e.name},
                     {"kind", e.is_dir ? "directory" : "file"},
                     {"bytes", e.bytes},
                     {"files", e.files}});
  }
  return {{"path", path},          {"bytes", totals.bytes},
          {"files", totals.files}, {"directories", totals.directories},
          {"entries", items},      {"other", other.ToJson()}};
}

nlohmann::json ExtensionReport::ToJson() const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& e : items)
    out.push_back({{"extension", e.extension}, {"files", e.files}, {"bytes", e.bytes}});
  return {{"path", path}, {"items", out}, {"other", other.ToJson()}};
}

nlohmann::json LargestReport::ToJson() const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& f : items) out.push_back({{"path", f.path}, {"size", f.size}});
  return {{"path", path}, {"items", out}};
}

Status SnapshotAnalytics::WithFolder(ApiContext& ctx, const catalog::Principal& p,
                                     const std::string& snapshot_id, const std::string& path,
                                     std::string* folder, const FolderFn& fn, OpenSnapshot* open_out) {
  ARBOR_ASSIGN_OR_RETURN(auto record, ctx.catalog.snapshots().Get(p, snapshot_id));
  ARBOR_ASSIGN_OR_RETURN(auto share, ShareById(ctx.catalog, p, record.share_id));
  ARBOR_ASSIGN_OR_RETURN(OpenSnapshot open, ctx.repos.Snapshot(p, share, record.id, record.created_ms));
  ARBOR_ASSIGN_OR_RETURN(*folder, NormalizeSnapshotPath(path.empty() ? open.source_path : path));
  std::shared_ptr<Slot> slot;
  {
    std::lock_guard lock(mu_);
    auto& s = slots_[share.id];
    if (!s) s = std::make_shared<Slot>();
    slot = s;
  }
  std::lock_guard lock(slot->mu);
  if (!slot->index || slot->repo != open.repo) {
    // The repository cache reopened the repository (a newer snapshot, or its age): the
    // index reads through the new one.
    slot->index.reset();
    ARBOR_ASSIGN_OR_RETURN(slot->index, ShareIndex::Open(location_, *open.repo));
    slot->repo = open.repo;
  }
  ARBOR_ASSIGN_OR_RETURN(Snapshot snapshot, open.repo->FindSnapshot(record.id));
  ARBOR_ASSIGN_OR_RETURN(const node_index::NodeTree* tree, slot->index->At(snapshot));
  ARBOR_ASSIGN_OR_RETURN(node_index::NodeInfo node,
                         tree->Lookup(*folder, node_index::NodeTree::ContentFacts::kSkip));
  if (node.kind != node_index::NodeKind::kDirectory)
    return Status::InvalidArgument(*folder + " is not a directory");
  if (open_out) *open_out = open;
  return fn(*tree, node, *slot);
}

Result<DuReport> SnapshotAnalytics::Du(ApiContext& ctx, const catalog::Principal& p,
                                       const std::string& snapshot_id, const std::string& path,
                                       size_t limit) {
  DuReport r;
  ARBOR_RETURN_IF_ERROR(
      WithFolder(ctx, p, snapshot_id, path, &r.path,
                 [&](const node_index::NodeTree& tree, const node_index::NodeInfo& dir, Slot&) -> Status {
                   ARBOR_ASSIGN_OR_RETURN(r.totals, tree.Totals(dir.node_id));
                   ARBOR_ASSIGN_OR_RETURN(auto children, tree.List(dir.node_id));
                   for (const auto& c : children) {
                     DuEntry e{c.name, c.kind == node_index::NodeKind::kDirectory, c.size, 1};
                     if (e.is_dir) {
                       ARBOR_ASSIGN_OR_RETURN(auto t, tree.Totals(c.node_id));
                       e.bytes = t.bytes;
                       e.files = t.files;
                     }
                     r.entries.push_back(std::move(e));
                   }
                   return Status::Ok();
                 }));
  std::stable_sort(r.entries.begin(), r.entries.end(),
                   [](const DuEntry& a, const DuEntry& b) { return a.bytes > b.bytes; });
  KeepFirst(limit, &r.entries, &r.other);
  return r;
}

Result<ExtensionReport> SnapshotAnalytics::Extensions(ApiContext& ctx, const catalog::Principal& p,
                                                      const std::string& snapshot_id, const std::string& path,
                                                      size_t limit) {
  ExtensionReport r;
  ARBOR_RETURN_IF_ERROR(
      WithFolder(ctx, p, snapshot_id, path, &r.path,
                 [&](const node_index::NodeTree& tree, const node_index::NodeInfo& dir, Slot&) -> Status {
                   ARBOR_ASSIGN_OR_RETURN(r.items, node_index::ExtensionStats(tree, dir.node_id));
                   return Status::Ok();
                 }));
  KeepFirst(limit, &r.items, &r.other);
  return r;
}

Result<LargestReport> SnapshotAnalytics::Largest(ApiContext& ctx, const catalog::Principal& p,
                                                 const std::string& snapshot_id, const std::string& path,
                                                 size_t limit) {
  LargestReport r;
  ARBOR_RETURN_IF_ERROR(
      WithFolder(ctx, p, snapshot_id, path, &r.path,
                 [&](const node_index::NodeTree& tree, const node_index::NodeInfo& dir, Slot&) -> Status {
                   ARBOR_ASSIGN_OR_RETURN(auto files, node_index::LargestFiles(tree, dir.node_id, limit));
                   for (const auto& f : files) {
                     ARBOR_ASSIGN_OR_RETURN(std::string file_path, tree.PathOf(f));
                     r.items.push_back({std::move(file_path), f.size});
                   }
                   return Status::Ok();
                 }));
  return r;
}

// The groups of `all` restricted to their members whose path starts with `prefix`, the
// groups left with two or more, in `all`'s order by their new wasted bytes, then size
// (stable: equal groups keep `all`'s order, so a page token means the same group every
// time).
std::shared_ptr<const SnapshotAnalytics::Slot::Candidates> SnapshotAnalytics::Below(
    const Slot::Candidates& all, const std::string& prefix) {
  auto below = std::make_shared<Slot::Candidates>();
  below->snapshot_id = all.snapshot_id;
  below->min_size = all.min_size;
  for (const auto& [size, paths] : all.groups) {
    std::vector<std::string> kept;
    for (const std::string& path : paths) {
      if (path.compare(0, prefix.size(), prefix) == 0) kept.push_back(path);
    }
    if (kept.size() < 2) continue;
    below->wasted += size * (kept.size() - 1);
    below->groups.emplace_back(size, std::move(kept));
  }
  std::stable_sort(below->groups.begin(), below->groups.end(), [](const auto& a, const auto& b) {
    uint64_t wa = a.first * (a.second.size() - 1), wb = b.first * (b.second.size() - 1);
    return wa != wb ? wa > wb : a.first > b.first;
  });
  return below;
}

Result<DuplicatesReport> SnapshotAnalytics::Duplicates(ApiContext& ctx, const catalog::Principal& p,
                                                       const std::string& snapshot_id,
                                                       const std::string& below, uint64_t min_size,
                                                       const std::string& page_token, size_t page_size) {
  ARBOR_ASSIGN_OR_RETURN(size_t first, FirstGroup(page_token));
  std::shared_ptr<const Slot::Candidates> cand;
  std::string folder;
  OpenSnapshot open;
  ARBOR_RETURN_IF_ERROR(WithFolder(
      ctx, p, snapshot_id, below, &folder,
      [&](const node_index::NodeTree& tree, const node_index::NodeInfo&, Slot& slot) -> Status {
        if (slot.duplicates && slot.duplicates->snapshot_id == snapshot_id &&
            slot.duplicates->min_size == min_size) {
          cand = slot.duplicates;
          return Status::Ok();
        }
        ARBOR_ASSIGN_OR_RETURN(auto groups, node_index::Duplicates(tree, min_size));
        // A total order, so that a page token's index means the same group every time.
        std::sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) {
          uint64_t wa = a.size * (a.nodes.size() - 1), wb = b.size * (b.nodes.size() - 1);
          return wa != wb ? wa > wb : a.size != b.size ? a.size > b.size : a.hash < b.hash;
        });
        auto c = std::make_shared<Slot::Candidates>();
        c->snapshot_id = snapshot_id;
        c->min_size = min_size;
        for (const auto& g : groups) {
          std::vector<std::string> paths;
          for (const auto& n : g.nodes) {
            ARBOR_ASSIGN_OR_RETURN(std::string path, tree.PathOf(n));
            paths.push_back(std::move(path));
          }
          std::sort(paths.begin(), paths.end());
          c->wasted += g.size * (g.nodes.size() - 1);
          c->groups.emplace_back(g.size, std::move(paths));
        }
        slot.duplicates = c;
        cand = std::move(c);
        return Status::Ok();
      },
      &open));
  DuplicatesReport r;
  if (!below.empty()) {
    r.path = folder;
    if (folder != "/") cand = Below(*cand, folder + "/");
  }
  r.candidate_groups = cand->groups.size();
  r.candidate_wasted = cand->wasted;
  size_t end = std::min(cand->groups.size(), first + page_size);
  for (size_t i = first; i < end; ++i) {
    const auto& [size, paths] = cand->groups[i];
    // Split by blob list: members whose content ids are equal.
    std::vector<std::pair<std::vector<Digest>, DuplicateSet>> by_content;
    for (const std::string& path : paths) {
      ARBOR_ASSIGN_OR_RETURN(Node node, LookupCachedPath(*open.trees, open.root, path));
      auto it = std::find_if(by_content.begin(), by_content.end(),
                             [&](const auto& e) { return e.first == node.content; });
      if (it == by_content.end()) {
        by_content.push_back({node.content, DuplicateSet{node.size, 0, {}}});
        it = by_content.end() - 1;
      }
      it->second.copies++;
      if (it->second.paths.size() < DuplicateSet::kMaxPaths) it->second.paths.push_back(path);
    }
    for (auto& [content, set] : by_content) {
      if (set.copies >= 2) r.groups.push_back(std::move(set));
    }
  }
  std::stable_sort(r.groups.begin(), r.groups.end(),
                   [](const DuplicateSet& a, const DuplicateSet& b) { return a.wasted() > b.wasted(); });
  if (end < cand->groups.size()) r.next_page_token = EncodePageToken("g" + std::to_string(end));
  return r;
}

}  // namespace arbor::server
