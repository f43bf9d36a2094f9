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

// The two snapshots of a change, checked (both `p`'s, of one share) and opened.
struct OpenPair {
  std::string older_id, newer_id;
  OpenSnapshot older, newer;
};

Result<OpenPair> OpenChange(ApiContext& ctx, const catalog::Principal& p, const std::string& snapshot_id,
                            const std::string& against_id) {
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
  return OpenPair{older.id, newer.id, std::move(a), std::move(b)};
}

DiffTreeLoader Loader(const OpenPair& pair) {
  return [trees = pair.newer.trees](const Digest& id) { return trees->Get(id); };
}

nlohmann::json WithTotals(nlohmann::json out, const ChangeSummary& totals) {
  out["added"] = TotalsJson(totals.added, false);
  out["removed"] = TotalsJson(totals.removed, false);
  out["modified"] = TotalsJson(totals.modified, true);
  return out;
}

}  // namespace

nlohmann::json ChangesPage::ToJson() const {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& e : entries) {
    nlohmann::json j = {{"path", e.path}, {"change", e.change}, {"kind", e.kind}, {"size", e.size}};
    if (e.change == "modified") j["size_before"] = e.size_before;
    items.push_back(std::move(j));
  }
  nlohmann::json out = {{"snapshot_id", snapshot_id}, {"against", against_id}, {"entries", std::move(items)}};
  if (totals) out = WithTotals(std::move(out), *totals);
  if (!next_page_token.empty()) out["next_page_token"] = next_page_token;
  return out;
}

nlohmann::json ChangeTotalsReport::ToJson() const {
  return WithTotals({{"snapshot_id", snapshot_id}, {"against", against_id}}, totals);
}

Result<ChangesPage> SnapshotChanges(ApiContext& ctx, const catalog::Principal& p,
                                    const std::string& snapshot_id, const std::string& against_id,
                                    const std::string& page_token, int page_size) {
  ARBOR_ASSIGN_OR_RETURN(OpenPair pair, OpenChange(ctx, p, snapshot_id, against_id));
  std::string after_path;
  if (!page_token.empty()) {
    ARBOR_ASSIGN_OR_RETURN(after_path, PathOfToken(page_token, pair.older_id, pair.newer_id));
  }
  ChangesPage page;
  page.snapshot_id = pair.newer_id;
  page.against_id = pair.older_id;
  page.totals = ctx.change_totals.Find(pair.older_id, pair.newer_id);
  // The walk resumes after the token's path and stops at the entry after the page (which
  // tells that another page follows).
  bool more = false;
  auto visit = [&](Change c, const std::string& path, const Node* before, const Node* after) {
    page.visited++;
    if (page.entries.size() == static_cast<size_t>(page_size)) {
      more = true;
      return false;
    }
    const Node& shown = after ? *after : *before;
    ChangedEntry e{path, ChangeName(c), std::string(NodeKindName(shown.kind)), shown.IsDir() ? 0 : shown.size,
                   0};
    if (before && after && !before->IsDir()) e.size_before = before->size;
    page.entries.push_back(std::move(e));
    return true;
  };
  ARBOR_RETURN_IF_ERROR(DiffTreesAfter(Loader(pair), pair.older.root, pair.newer.root, after_path, visit));
  if (more) page.next_page_token = ChangesToken(pair.older_id, pair.newer_id, page.entries.back().path);
  return page;
}

Result<ChangeTotalsReport> SnapshotChangeTotals(ApiContext& ctx, const catalog::Principal& p,
                                                const std::string& snapshot_id,
                                                const std::string& against_id) {
  ARBOR_ASSIGN_OR_RETURN(OpenPair pair, OpenChange(ctx, p, snapshot_id, against_id));
  ChangeTotalsReport report{pair.newer_id, pair.older_id, {}};
  if (auto kept = ctx.change_totals.Find(pair.older_id, pair.newer_id)) {
    report.totals = *kept;
    return report;
  }
  auto visit = [&](Change c, const std::string&, const Node* before, const Node* after) {
    Count(c, before, after, &report.totals);
    return true;
  };
  ARBOR_RETURN_IF_ERROR(DiffTreesAfter(Loader(pair), pair.older.root, pair.newer.root, "", visit));
  ctx.change_totals.Put(pair.older_id, pair.newer_id, report.totals);
  return report;
}

}  // namespace arbor::server
