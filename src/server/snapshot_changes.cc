#include "server/snapshot_changes.h"

#include "browse/diff.h"
#include "server/api_routes.h"
#include "server/page_token.h"

namespace arbor::server {
namespace {

void Count(const Node& n, ChangeTotals* t) {
  t->entries++;
  if (n.IsDir()) return;
  t->files++;
  t->bytes += n.size;
}

void Count(Change c, const Node* before, const Node* after, ChangeSummary* s) {
  if (c == Change::kAdded) {
    Count(*after, &s->added);
  } else if (c == Change::kRemoved) {
    Count(*before, &s->removed);
  } else {
    Count(*after, &s->modified);
    if (!before->IsDir()) s->modified.bytes_before += before->size;
  }
}

const char* ChangeName(Change c) {
  if (c == Change::kAdded) return "added";
  if (c == Change::kRemoved) return "removed";
  return "modified";
}

// A page token of a change: the pair of snapshots and the last path shown, so that a
// token is refused for any other pair (another listing's, another tenant's).
constexpr std::string_view kTokenKind = "changes";

std::string ChangesToken(const std::string& against_id, const std::string& snapshot_id,
                         const std::string& path) {
  return EncodePageToken(
      nlohmann::json::array({std::string(kTokenKind), against_id, snapshot_id, path}).dump());
}

// The last path a token of the pair carries. InvalidArgument for any other token.
Result<std::string> PathOfToken(const std::string& token, const std::string& against_id,
                                const std::string& snapshot_id) {
  auto bad = [] { return Status::InvalidArgument("page_token is not one of this change listing"); };
  ARBOR_ASSIGN_OR_RETURN(std::string text, DecodePageToken(token));
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_array() || j.size() != 4) return bad();
  for (const auto& field : j) {
    if (!field.is_string()) return bad();
  }
  std::string path = j[3].get<std::string>();
  if (j[0].get<std::string>() != kTokenKind || j[1].get<std::string>() != against_id ||
      j[2].get<std::string>() != snapshot_id || path.empty() || path.front() != '/')
    return bad();
  return path;
}

nlohmann::json TotalsJson(const ChangeTotals& t, bool with_before) {
  nlohmann::json j = {{"entries", t.entries}, {"files", t.files}, {"bytes", t.bytes}};
  if (with_before) j["bytes_before"] = t.bytes_before;
  return j;
}

}  // namespace

nlohmann::json ChangesPage::ToJson() const {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& e : entries) {
    nlohmann::json j = {{"path", e.path}, {"change", e.change}, {"kind", e.kind}, {"size", e.size}};
    if (e.change == "modified") j["size_before"] = e.size_before;
    items.push_back(std::move(j));
  }
  nlohmann::json out = {{"snapshot_id", snapshot_id},
                        {"against", against_id},
                        {"added", TotalsJson(totals.added, false)},
                        {"removed", TotalsJson(totals.removed, false)},
                        {"modified", TotalsJson(totals.modified, true)},
                        {"entries", std::move(items)}};
  if (!next_page_token.empty()) out["next_page_token"] = next_page_token;
  return out;
}

Result<ChangesPage> SnapshotChanges(ApiContext& ctx, const catalog::Principal& p,
                                    const std::string& snapshot_id, const std::string& against_id,
                                    const std::string& page_token, int page_size) {
  if (against_id.empty())
    return Status::InvalidArgument("against (the snapshot to compare with) is required");
  ARBOR_ASSIGN_OR_RETURN(auto newer, ctx.catalog.snapshots().Get(p, snapshot_id));
  ARBOR_ASSIGN_OR_RETURN(auto older, ctx.catalog.snapshots().Get(p, against_id));
  if (newer.share_id != older.share_id)
    return Status::InvalidArgument("snapshots " + newer.id + " and " + older.id +
                                   " belong to different shares: only snapshots of one share compare");
  std::string after_path;
  if (!page_token.empty()) {
    ARBOR_ASSIGN_OR_RETURN(after_path, PathOfToken(page_token, older.id, newer.id));
  }
  ARBOR_ASSIGN_OR_RETURN(auto share, ShareById(ctx.catalog, p, newer.share_id));
  ARBOR_ASSIGN_OR_RETURN(OpenSnapshot a, ctx.repos.Snapshot(p, share, older.id, older.created_ms));
  // Opened second, so fresh for both snapshots: its cache reads both trees.
  ARBOR_ASSIGN_OR_RETURN(OpenSnapshot b, ctx.repos.Snapshot(p, share, newer.id, newer.created_ms));

  ChangesPage page;
  page.snapshot_id = newer.id;
  page.against_id = older.id;
  // With the pair's totals kept, the walk resumes after the token's path and stops after
  // the page; without them it walks the whole change from the start to count it, and
  // keeps the entries after the token's path.
  std::optional<ChangeSummary> kept = ctx.change_totals.Find(older.id, newer.id);
  bool counting = !kept;
  ChangeSummary counted;
  bool more = false;
  DiffTreeLoader load = [&b](const Digest& id) { return b.trees->Get(id); };
  auto visit = [&](Change c, const std::string& path, const Node* before, const Node* after) {
    if (counting) {
      Count(c, before, after, &counted);
      if (!after_path.empty() && !PathBeforeInWalk(after_path, path)) return true;
    }
    if (page.entries.size() == static_cast<size_t>(page_size)) {
      more = true;
      return counting;  // a walk that counts goes on to the end
    }
    const Node& shown = after ? *after : *before;
    ChangedEntry e{path, ChangeName(c), std::string(NodeKindName(shown.kind)), shown.IsDir() ? 0 : shown.size,
                   0};
    if (before && after && !before->IsDir()) e.size_before = before->size;
    page.entries.push_back(std::move(e));
    return true;
  };
  ARBOR_RETURN_IF_ERROR(DiffTreesAfter(load, a.root, b.root, counting ? "" : after_path, visit));
  if (counting) ctx.change_totals.Put(older.id, newer.id, counted);
  page.totals = counting ? counted : *kept;
  if (more) page.next_page_token = ChangesToken(older.id, newer.id, page.entries.back().path);
  return page;
}

}  // namespace arbor::server
