// Shares: list, add, show, edit, remove. Credentials are write-only: a share's JSON
// carries only their description ("encrypted", "env:NAME").
#include "server/api_routes.h"
#include "server/request_fields.h"
#include "server/share_summary.h"

namespace arbor::server {
namespace {

Result<catalog::Share> FindShare(ApiContext& ctx, const Call& c) {
  return ShareById(ctx.catalog, c.principal, c.Param("share_id"));
}

Result<catalog::ShareSpec> SpecFrom(const nlohmann::json& body) {
  ARBOR_RETURN_IF_ERROR(
      CheckFields(body, {"tenant_id", "name", "kind", "location", "credential", "repository_id"}));
  catalog::ShareSpec spec;
  ARBOR_ASSIGN_OR_RETURN(auto tenant, OptionalString(body, "tenant_id"));
  spec.tenant_id = tenant.value_or("");
  ARBOR_ASSIGN_OR_RETURN(spec.name, RequiredString(body, "name"));
  ARBOR_ASSIGN_OR_RETURN(auto kind, OptionalString(body, "kind"));
  ARBOR_ASSIGN_OR_RETURN(spec.kind, catalog::ParseShareKind(kind.value_or("posix")));
  ARBOR_ASSIGN_OR_RETURN(spec.location, RequiredString(body, "location"));
  ARBOR_ASSIGN_OR_RETURN(auto credential, OptionalCredential(body));
  if (credential) spec.credential = *credential;
  ARBOR_ASSIGN_OR_RETURN(auto repo, OptionalString(body, "repository_id"));
  spec.repository_id = repo.value_or("");
  return spec;
}

Result<catalog::ShareUpdate> UpdateFrom(const nlohmann::json& body) {
  ARBOR_RETURN_IF_ERROR(CheckFields(body, {"name", "location", "credential", "repository_id"}));
  catalog::ShareUpdate u;
  ARBOR_ASSIGN_OR_RETURN(u.name, OptionalString(body, "name"));
  ARBOR_ASSIGN_OR_RETURN(u.location, OptionalString(body, "location"));
  if (body.contains("credential")) {
    ARBOR_ASSIGN_OR_RETURN(auto credential, OptionalCredential(body));
    u.credential = credential.value_or(catalog::CredentialInput::None());
  }
  ARBOR_ASSIGN_OR_RETURN(u.repository_id, OptionalString(body, "repository_id"));
  return u;
}

}  // namespace

Result<catalog::Share> ShareById(catalog::Catalog& catalog, const catalog::Principal& p,
                                 const std::string& id) {
  return catalog.shares().Get(p, id);  // a URL names a share by id only
}

void AddShareRoutes(RouteTable& table, ApiContext& ctx) {
  table.Add({"GET", "/api/v1/shares", Access::kAuthenticated,
             "Shares the caller sees with their summaries, a page at a time "
             "(?tenant_id=&sort=[-]tenant|age|state|bytes&failing=1&page_size=&page_token=; '-' reverses)",
             [&ctx](Call& c) {
               ARBOR_ASSIGN_OR_RETURN(
                   ShareQuery query,
                   ShareQueryFromParams([&c](const char* name) { return c.Query(name); },
                                        ctx.limits.default_page_size, ctx.limits.max_page_size));
               ARBOR_ASSIGN_OR_RETURN(SharePage page, ListShareSummaries(ctx.catalog, c.principal, query));
               nlohmann::json items = nlohmann::json::array();
               for (const ShareListing& l : page.items) {
                 nlohmann::json item = l.share.ToJson();
                 item["tenant_name"] = l.tenant_name;
                 item["summary"] = l.summary.ToJson();
                 items.push_back(std::move(item));
               }
               nlohmann::json body = {{"items", std::move(items)}};
               if (!page.next_page_token.empty()) body["next_page_token"] = page.next_page_token;
               c.Reply(body);
               return Status::Ok();
             }});
  table.Add({"POST", "/api/v1/shares", Access::kAuthenticated, "Add a share (credential write-only)",
             [&ctx](Call& c) {
               ARBOR_ASSIGN_OR_RETURN(auto body, c.JsonBody());
               ARBOR_ASSIGN_OR_RETURN(auto spec, SpecFrom(body));
               ARBOR_ASSIGN_OR_RETURN(auto share, ctx.catalog.shares().Add(c.principal, spec));
               c.Reply(share.ToJson(), 201);
               return Status::Ok();
             },
             true});
  table.Add({"GET", "/api/v1/shares/{share_id}", Access::kAuthenticated, "One share", [&ctx](Call& c) {
               ARBOR_ASSIGN_OR_RETURN(auto share, FindShare(ctx, c));
               c.Reply(share.ToJson());
               return Status::Ok();
             }});
  table.Add({"PATCH", "/api/v1/shares/{share_id}", Access::kAuthenticated,
             "Edit a share's name, location, credential or repository",
             [&ctx](Call& c) {
               ARBOR_ASSIGN_OR_RETURN(auto share, FindShare(ctx, c));
               ARBOR_ASSIGN_OR_RETURN(auto body, c.JsonBody());
               ARBOR_ASSIGN_OR_RETURN(auto update, UpdateFrom(body));
               ARBOR_ASSIGN_OR_RETURN(auto edited,
                                      ctx.catalog.shares().Update(c.principal, share.id, update));
               c.Reply(edited.ToJson());
               return Status::Ok();
             },
             true});
  table.Add({"DELETE", "/api/v1/shares/{share_id}", Access::kAuthenticated,
             "Remove a share without snapshots, jobs or schedules", [&ctx](Call& c) {
               ARBOR_ASSIGN_OR_RETURN(auto share, FindShare(ctx, c));
               ARBOR_RETURN_IF_ERROR(ctx.catalog.shares().Remove(c.principal, share.id));
               c.Reply({{"removed", share.id}});
               return Status::Ok();
             }});
}

}  // namespace arbor::server
