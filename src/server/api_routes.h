// The routes of /api/v1, grouped by what they are about (one .cc file each). Each adds
// its routes to the table; handlers scope every lookup by the caller's principal.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "jobs/job.h"
#include "server/api_context.h"
#include "server/route_table.h"

namespace arbor::server {

// /healthz, /readyz, /api/v1/openapi.json (public).
void AddHealthRoutes(RouteTable& table, ApiContext& ctx);
void AddTenantRoutes(RouteTable& table, ApiContext& ctx);  // and repositories
void AddShareRoutes(RouteTable& table, ApiContext& ctx);
void AddSnapshotRoutes(RouteTable& table, ApiContext& ctx);   // snapshots, trees, files
void AddAnalyticsRoutes(RouteTable& table, ApiContext& ctx);  // du, extensions, largest, changes, growth

// A share's snapshots (as the catalog lists them, newest first) as the growth listing:
// [{snapshot_id, time_ms, bytes_total, files_total, bytes_added}], oldest first; a stat
// the record lacks is null.
nlohmann::json GrowthJson(const std::vector<catalog::Snapshot>& newest_first);
void AddJobRoutes(RouteTable& table, ApiContext& ctx);
void AddTokenRoutes(RouteTable& table, ApiContext& ctx);
void AddScheduleRoutes(RouteTable& table, ApiContext& ctx);

// A job payload as the workers' parser reads it (job_payloads.h), refusing fields the
// parser ignored (a typo such as "forse" must not silently become a backup without
// --force): InvalidArgument, so a bad payload is 400 at submission, not a failed job.
Result<nlohmann::json> CheckedPayload(jobs::JobType type, const nlohmann::json& payload);

// A job id from a URL; anything but a positive number is NotFound, like an unknown id.
Result<int64_t> JobIdFromPath(const std::string& text);

// {"items": [row.ToJson(), ...]}: the shape of every listing.
template <typename Rows>
nlohmann::json ItemsJson(const Rows& rows) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& r : rows) items.push_back(r.ToJson());
  return {{"items", items}};
}

// The share with this id as `p` sees it; NotFound otherwise (names are not ids here).
Result<catalog::Share> ShareById(catalog::Catalog& catalog, const catalog::Principal& p,
                                 const std::string& id);

}  // namespace arbor::server
