// The node index's analytics of a snapshot's folder (snapshot_analytics.h): du by
// directory, bytes by extension, largest files.
#include "server/api_routes.h"
#include "server/page_token.h"
#include "server/snapshot_analytics.h"

namespace arbor::server {
namespace {

constexpr int kDefaultLimit = 20;
constexpr int kMaxLimit = 1000;

Result<size_t> Limit(const Call& c) {
  auto n = ParsePageSize(c.Query("limit"), kDefaultLimit, kMaxLimit);
  if (!n.ok())
    return Status::InvalidArgument("limit must be a number from 1 to " + std::to_string(kMaxLimit));
  return static_cast<size_t>(*n);
}

}  // namespace

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
