// /healthz (the process answers), /readyz (and its catalog does), the OpenAPI document.
#include "server/api_routes.h"
#include "server/openapi.h"
#include "sql/sql_query.h"
#include "version.h"

namespace arbor::server {

void AddHealthRoutes(RouteTable& table, ApiContext& ctx) {
  table.Add({"GET", "/healthz", Access::kPublic, "Liveness: the server answers", [](Call& c) {
               c.Reply({{"status", "ok"}});
               return Status::Ok();
             }});
  table.Add({"GET", "/readyz", Access::kPublic, "Readiness: the catalog answers a query", [&ctx](Call& c) {
               auto rows = sql::SqlQuery("SELECT 1 AS one").Run(ctx.catalog.db());
               if (!rows.ok()) return Status::Unavailable("catalog not ready: " + rows.status().message());
               c.Reply({{"status", "ready"}, {"catalog", ctx.catalog.url()}});
               return Status::Ok();
             }});
  table.Add(
      {"GET", "/api/v1/openapi.json", Access::kPublic, "This API's OpenAPI 3 document", [&table](Call& c) {
         c.Reply(BuildOpenApi(table, std::string(kProgramVersion)));
         return Status::Ok();
       }});
}

}  // namespace arbor::server
