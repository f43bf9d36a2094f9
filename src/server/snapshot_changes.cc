#include "server/snapshot_changes.h"

#include "browse/diff.h"
#include "server/api_routes.h"
#include "server/page_token.h"

namespace arbor::server {
namespace {

// The next component of `path` from `*pos` (past the '/' before it), and moves `*pos`.
std::string_view NextComponent(std::string_view path, size_t* pos) {
  while (*pos < path.size() && path[*pos] == '/') ++*pos;
  size_t end = std::min(path.find('/', *pos), path.size());
  std::string_view c = path.substr(*pos, end - *pos);
  *pos = end;
  return c;
}

void Count(const Node& n, ChangeTotals* t) {
  t->entries++;
  if (n.IsDir()) return;
  t->files++;
  t->bytes += n.size;
}

nlohmann::json TotalsJson(const ChangeTotals& t, bool with_before) {
  nlohmann::json j = {{"entries", t.entries}, {"files", t.files}, {"bytes", t.bytes}};
  if (with_before) j["bytes_before"] = t.bytes_before;
  return j;
}

}  // namespace

bool PathBeforeInWalk(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  for (;;) {
    std::string_view x = NextComponent(a, &i), y = NextComponent(b, &j);
    if (x.empty() || y.empty()) return x.empty() && !y.empty();  // a parent comes before its children
    if (x != y) return x < y;
  }
}

nlohmann::json ChangesPage::ToJson() const {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& e : entries) {
    nlohmann::json j = {{"path", e.path}, {"change", e.change}, {"kind", e.kind}, {"size", e.size}};
    if (e.change == "modified") j["size_before"] = e.size_before;
    items.push_back(std::move(j));
  }
  nlohmann::json out = {{"snapshot_id", snapshot_id},
                        {"against", against_id},
                        {"added", TotalsJson(added, false)},
                        {"removed", TotalsJson(removed, false)},
                        {"modified", TotalsJson(modified, true)},
                        {"entries", std::move(items)}};
  if (!next_page_token.empty()) out["next_page_token"] = next_page_token;
  return out;
}

Result<ChangesPage> SnapshotChanges(ApiContext& ctx, const catalog::Principal& p,
                                    const std::string& snapshot_id, const std::string& against_id,
                                    const std::string& page_token, int page_size) {
  std::string after_path;
  if (!page_token.empty()) {
    ARBOR_ASSIGN_OR_RETURN(after_path, DecodePageToken(page_token));
    if (after_path.front() != '/')
      return Status::InvalidArgument("page_token is not one of a change listing");
  }
  if (against_id.empty())
    return Status::InvalidArgument("against (the snapshot to compare with) is required");
  ARBOR_ASSIGN_OR_RETURN(auto newer, ctx.catalog.snapshots().Get(p, snapshot_id));
  ARBOR_ASSIGN_OR_RETURN(auto older, ctx.catalog.snapshots().Get(p, against_id));
  if (newer.share_id != older.share_id)
    return Status::InvalidArgument("snapshots " + newer.id + " and " + older.id +
                                   " belong to different shares: only snapshots of one share compare");
  ARBOR_ASSIGN_OR_RETURN(auto share, ShareById(ctx.catalog, p, newer.share_id));
  ARBOR_ASSIGN_OR_RETURN(OpenSnapshot a, ctx.repos.Snapshot(p, share, older.id, older.created_ms));
  // Opened second, so fresh for both snapshots: its cache reads both trees.
  ARBOR_ASSIGN_OR_RETURN(OpenSnapshot b, ctx.repos.Snapshot(p, share, newer.id, newer.created_ms));

  ChangesPage page;
  page.snapshot_id = newer.id;
  page.against_id = older.id;
  bool more = false;
  DiffTreeLoader load = [&b](const Digest& id) { return b.trees->Get(id); };
  auto visit = [&](Change c, const std::string& path, const Node* before, const Node* after) {
    const char* change = "modified";
    if (c == Change::kAdded) {
      Count(*after, &page.added);
      change = "added";
    } else if (c == Change::kRemoved) {
      Count(*before, &page.removed);
      change = "removed";
    } else {
      Count(*after, &page.modified);
      if (!before->IsDir()) page.modified.bytes_before += before->size;
    }
    if (!after_path.empty() && !PathBeforeInWalk(after_path, path)) return;
    if (page.entries.size() == static_cast<size_t>(page_size)) {
      more = true;
      return;
    }
    const Node& shown = after ? *after : *before;
    ChangedEntry e{path, change, std::string(NodeKindName(shown.kind)), shown.IsDir() ? 0 : shown.size, 0};
    if (before && after && !before->IsDir()) e.size_before = before->size;
    page.entries.push_back(std::move(e));
  };
  ARBOR_RETURN_IF_ERROR(DiffTrees(load, a.root, b.root, visit).status());
  if (more) page.next_page_token = EncodePageToken(page.entries.back().path);
  return page;
}

}  // namespace arbor::server
