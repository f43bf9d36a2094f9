#include "server/snapshot_analytics.h"

#include <algorithm>

#include "server/api_routes.h"
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

}  // namespace

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

Status SnapshotAnalytics::WithFolder(
    ApiContext& ctx, const catalog::Principal& p, const std::string& snapshot_id, const std::string& path,
    std::string* folder,
    const std::function<Status(const node_index::NodeTree&, const node_index::NodeInfo&)>& fn) {
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
  ARBOR_ASSIGN_OR_RETURN(node_index::NodeInfo node, tree->Lookup(*folder));
  if (node.kind != node_index::NodeKind::kDirectory)
    return Status::InvalidArgument(*folder + " is not a directory");
  return fn(*tree, node);
}

Result<DuReport> SnapshotAnalytics::Du(ApiContext& ctx, const catalog::Principal& p,
                                       const std::string& snapshot_id, const std::string& path,
                                       size_t limit) {
  DuReport r;
  ARBOR_RETURN_IF_ERROR(
      WithFolder(ctx, p, snapshot_id, path, &r.path,
                 [&](const node_index::NodeTree& tree, const node_index::NodeInfo& dir) -> Status {
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
                 [&](const node_index::NodeTree& tree, const node_index::NodeInfo& dir) -> Status {
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
                 [&](const node_index::NodeTree& tree, const node_index::NodeInfo& dir) -> Status {
                   ARBOR_ASSIGN_OR_RETURN(auto files, node_index::LargestFiles(tree, dir.node_id, limit));
                   for (const auto& f : files) {
                     ARBOR_ASSIGN_OR_RETURN(std::string file_path, tree.PathOf(f));
                     r.items.push_back({std::move(file_path), f.size});
                   }
                   return Status::Ok();
                 }));
  return r;
}

}  // namespace arbor::server
