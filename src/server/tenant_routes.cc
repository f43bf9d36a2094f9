// Tenants and their repositories.
#include "server/api_routes.h"
#include "server/request_fields.h"

namespace arbor::server {

void AddTenantRoutes(RouteTable& table, ApiContext& ctx) {
  table.Add({"GET", "/api/v1/tenants", Access::kAuthenticated, "Tenants the caller sees", [&ctx](Call& c) {
               ARBOR_ASSIGN_OR_RETURN(auto tenants, ctx.catalog.tenants().List(c.principal));
               c.Reply(ItemsJson(tenants));
               return Status::Ok();
             }});
  table.Add({"POST", "/api/v1/tenants", Access::kAuthenticated, "Add a tenant (operator)",
             [&ctx](Call& c) {
               ARBOR_ASSIGN_OR_RETURN(auto body, c.JsonBody());
               ARBOR_RETURN_IF_ERROR(CheckFields(body, {"name"}));
               ARBOR_ASSIGN_OR_RETURN(std::string name, RequiredString(body, "name"));
               ARBOR_ASSIGN_OR_RETURN(auto tenant, ctx.catalog.tenants().Add(c.principal, name));
               c.Reply(tenant.ToJson(), 201);
               return Status::Ok();
             },
             true});
  table.Add({"GET", "/api/v1/tenants/{tenant_id}", Access::kAuthenticated, "One tenant", [&ctx](Call& c) {
               const std::string& id = c.Param("tenant_id");
               ARBOR_ASSIGN_OR_RETURN(auto tenant, ctx.catalog.tenants().Find(c.principal, id));
               if (tenant.id != id) return Status::NotFound("tenant " + id + " not found");
               c.Reply(tenant.ToJson());
               return Status::Ok();
             }});
  table.Add({"GET", "/api/v1/repositories", Access::kAuthenticated, "Repositories the caller sees",
             [&ctx](Call& c) {
               ARBOR_ASSIGN_OR_RETURN(auto repos, ctx.catalog.repositories().List(c.principal));
               c.Reply(ItemsJson(repos));
               return Status::Ok();
             }});
  table.Add({"POST", "/api/v1/repositories", Access::kAuthenticated,
             "Add a repository (credential write-only)",
             [&ctx](Call& c) {
               ARBOR_ASSIGN_OR_RETURN(auto body, c.JsonBody());
               ARBOR_RETURN_IF_ERROR(CheckFields(body, {"tenant_id", "name", "url", "credential"}));
               catalog::RepositorySpec spec;
               ARBOR_ASSIGN_OR_RETURN(auto tenant, OptionalString(body, "tenant_id"));
               spec.tenant_id = tenant.value_or("");
               ARBOR_ASSIGN_OR_RETURN(spec.name, RequiredString(body, "name"));
               ARBOR_ASSIGN_OR_RETURN(spec.url, RequiredString(body, "url"));
               ARBOR_ASSIGN_OR_RETURN(auto credential, OptionalCredential(body));
               if (credential) spec.credential = *credential;
               ARBOR_ASSIGN_OR_RETURN(auto repo, ctx.catalog.repositories().Add(c.principal, spec));
               c.Reply(repo.ToJson(), 201);
               return Status::Ok();
             },
             true});
}

}  // namespace arbor::server
