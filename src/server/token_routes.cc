// API tokens: list, create (the secret is in the answer once), revoke. Operator tokens
// need the operator; a tenant manages its own tokens.
#include "server/api_routes.h"
#include "server/request_fields.h"

namespace arbor::server {

void AddTokenRoutes(RouteTable& table, ApiContext& ctx) {
  table.Add({"GET", "/api/v1/tokens", Access::kAuthenticated, "Tokens the caller sees (never their secrets)",
             [&ctx](Call& c) {
               ARBOR_ASSIGN_OR_RETURN(auto tokens, ctx.catalog.tokens().List(c.principal));
               c.Reply(ItemsJson(tokens));
               return Status::Ok();
             }});
  table.Add({"POST", "/api/v1/tokens", Access::kAuthenticated,
             "Create a token; the answer's secret is shown this once",
             [&ctx](Call& c) {
               ARBOR_ASSIGN_OR_RETURN(auto body, c.JsonBody());
               ARBOR_RETURN_IF_ERROR(CheckFields(body, {"tenant_id", "role", "name"}));
               ARBOR_ASSIGN_OR_RETURN(std::string name, RequiredString(body, "name"));
               ARBOR_ASSIGN_OR_RETURN(auto role, OptionalString(body, "role"));
               ARBOR_ASSIGN_OR_RETURN(auto tenant, OptionalString(body, "tenant_id"));
               catalog::TokenRole r = catalog::TokenRole::kTenant;
               if (role && *role == "operator")
                 r = catalog::TokenRole::kOperator;
               else if (role && *role != "tenant")
                 return Status::InvalidArgument("role must be tenant or operator");
               std::string tenant_id = tenant.value_or("");
               ARBOR_ASSIGN_OR_RETURN(auto created,
                                      ctx.catalog.tokens().Create(c.principal, tenant_id, r, name));
               nlohmann::json out = created.token.ToJson();
               out["secret"] = created.secret;
               c.Reply(out, 201);
               return Status::Ok();
             },
             true});
  table.Add(
      {"DELETE", "/api/v1/tokens/{token_id}", Access::kAuthenticated, "Revoke a token", [&ctx](Call& c) {
         ARBOR_RETURN_IF_ERROR(ctx.catalog.tokens().Revoke(c.principal, c.Param("token_id")));
         c.Reply({{"revoked", c.Param("token_id")}});
         return Status::Ok();
       }});
}

}  // namespace arbor::server
