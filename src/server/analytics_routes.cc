// The node index's analytics of a snapshot's folder (snapshot_analytics.h): du by
// directory, bytes by extension, largest files; and a share's growth over its snapshots
// (from the catalog's snapshot records, which the backup job writes); the changes between
// two snapshots (snapshot_changes.h, from the trees); identical files (from the index,
// confirmed by their blob lists).
#include <charconv>

#include "server/api_routes.h"
#include "server/page_token.h"
#include "server/snapshot_analytics.h"
#include "server/snapshot_changes.h"

namespace arbor::server {
namespace {

constexpr int kDefaultLimit = 20;
constexpr int kMaxLimit = 1000;
constexpr int kMaxGroups = 100;  // duplicate groups a page holds at most

Result<size_t> Limit(const Call& c) {
  auto n = ParsePageSize(c.Query("limit"), kDefaultLimit, kMaxLimit);
  if (!n.ok())
    return Status::InvalidArgument("limit must be a number from 1 to " + std::to_string(kMaxLimit));
  return static_cast<size_t>(*n);
}

}  // namespace

nlohmann::json GrowthJson(const std::vector<catalog::Snapshot>& newest_first) {
  nlohmann::json items = nlohmann::json::array();
  for (auto it = newest_first.rbegin(); it != newest_first.rend(); ++it) {
    auto stat = [&](const char* name) {
      return it->stats.contains(name) ? it->stats[name] : nlohmann::json();
    };
    items.push_back({{"snapshot_id", it->id},
                     {"time_ms", it->time_ms},
                     {"bytes_total", stat("bytes_total")},
                     {"files_total", stat("files_total")},
                     {"bytes_added", stat("bytes_added")}});
  }
  return items;
}

void AddAnalyticsRoutes(RouteTable& table, ApiContext& ctx) {
  table.Add({"GET", "/api/v1/snapshots/{snapshot_id}/analytics/du", Access::kAuthenticated,
             "A folder's children with their total bytes and file counts, most bytes first (?path=&limit=)",
             [&ctx](Call& c) {
               ARBOR_ASSIGN_OR_RETURN(size_t limit, Limit(c));
               ARBOR_ASSIGN_OR_RETURN(auto r, ctx.analytics.Du(ctx, c.principal, c.Param("snapshot_id"),
                                                               c.Query("path"), limit));
               c.Reply(r.ToJson());
               return Status::Ok();
             }});
  table.Add(
      {"GET", "/api/v1/snapshots/{snapshot_id}/analytics/extensions", Access::kAuthenticated,
       "Files and bytes by extension below a folder, most bytes first (?path=&limit=)", [&ctx](Call& c) {
         ARBOR_ASSIGN_OR_RETURN(size_t limit, Limit(c));
         ARBOR_ASSIGN_OR_RETURN(auto r, ctx.analytics.Extensions(ctx, c.principal, c.Param("snapshot_id"),
                                                                 c.Query("path"), limit));
         c.Reply(r.ToJson());
         return Status::Ok();
       }});
  table.Add({"GET", "/api/v1/shares/{share_id}/growth", Access::kAuthenticated,
             "Each snapshot's size, files and added bytes, oldest first (growth over snapshots)",
             [&ctx](Call& c) {
               ARBOR_ASSIGN_OR_RETURN(auto share, ShareById(ctx.catalog, c.principal, c.Param("share_id")));
               ARBOR_ASSIGN_OR_RETURN(auto snapshots, ctx.catalog.snapshots().List(c.principal, share.id));
               c.Reply({{"share_id", share.id}, {"items", GrowthJson(snapshots)}});
               return Status::Ok();
             }});
  table.Add({"GET", "/api/v1/snapshots/{snapshot_id}/analytics/changes", Access::kAuthenticated,
             "Entries added, removed and modified since another snapshot of the same share, a page at a "
             "time, with the totals of each kind once counted (?against=&page_size=&page_token=)",
             [&ctx](Call& c) {
               ARBOR_ASSIGN_OR_RETURN(int page_size,
                                      ParsePageSize(c.Query("page_size"), ctx.limits.default_page_size,
                                                    ctx.limits.max_page_size));
               ARBOR_ASSIGN_OR_RETURN(
                   auto page, SnapshotChanges(ctx, c.principal, c.Param("snapshot_id"), c.Query("against"),
                                              c.Query("page_token"), page_size));
               c.Reply(page.ToJson());
               return Status::Ok();
             }});
  table.Add({"GET", "/api/v1/snapshots/{snapshot_id}/analytics/changes/totals", Access::kAuthenticated,
             "The totals of the changes since another snapshot of the same share: entries, files and bytes "
             "added, removed and modified (?against=; one walk of the whole change, then kept)",
             [&ctx](Call& c) {
               ARBOR_ASSIGN_OR_RETURN(auto r, SnapshotChangeTotals(ctx, c.principal, c.Param("snapshot_id"),
                                                                   c.Query("against")));
               c.Reply(r.ToJson());
               return Status::Ok();
             }});
  table.Add({"GET", "/api/v1/snapshots/{snapshot_id}/analytics/duplicates", Access::kAuthenticated,
             "Groups of identical files in the snapshot or below a folder, most wasted bytes first "
             "(?path=&min_size=&page_size=&page_token=)",
             [&ctx](Call& c) {
               ARBOR_ASSIGN_OR_RETURN(int page_size,
                                      ParsePageSize(c.Query("page_size"), kDefaultLimit, kMaxGroups));
               uint64_t min_size = 1;
               std::string text = c.Query("min_size");
               if (!text.empty()) {
                 auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), min_size);
                 if (ec != std::errc() || end != text.data() + text.size() || min_size == 0)
                   return Status::InvalidArgument("min_size must be a number of bytes, at least 1");
               }
               ARBOR_ASSIGN_OR_RETURN(
                   auto r,
                   ctx.analytics.Duplicates(ctx, c.principal, c.Param("snapshot_id"), c.Query("path"),
                                            min_size, c.Query("page_token"), static_cast<size_t>(page_size)));
               c.Reply(r.ToJson());
               return Status::Ok();
             }});
  table.Add({"GET", "/api/v1/snapshots/{snapshot_id}/analytics/largest", Access::kAuthenticated,
             "The largest files below a folder (?path=&limit=)", [&ctx](Call& c) {
               ARBOR_ASSIGN_OR_RETURN(size_t limit, Limit(c));
               ARBOR_ASSIGN_OR_RETURN(auto r, ctx.analytics.Largest(ctx, c.principal, c.Param("snapshot_id"),
                                                                    c.Query("path"), limit));
               c.Reply(r.ToJson());
               return Status::Ok();
             }});
}

}  // namespace arbor::server
