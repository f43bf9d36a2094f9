#include "cli/repo_namespace.h"

#include "cli/catalog_context.h"
#include "job_handlers/share_repository.h"
#include "store/store_location.h"

namespace arbor::cli {
namespace {

constexpr const char* kDefaultNamespace = "default";

// One message for "does not exist" and "not yours": nothing to tell them apart by.
Status NotForThisToken(const GlobalOptions& g) {
  std::string what = "share " + g.share + (g.tenant.empty() ? "" : " of tenant " + g.tenant);
  return Status::NotFound(
      what +
      " not found for this API token (--tenant and --share name the token's tenant and one of "
      "its shares, by name or id)");
}

Result<RepoNamespace> ResolveThroughCatalog(const GlobalOptions& g, CatalogSession& s) {
  if (g.share.empty()) {
    return Status::InvalidArgument("with an API token, name the share: --share NAME|ID (`arbor share list`)");
  }
  auto share = ResolveShare(s, g.share, g.tenant);
  if (share.status().Is(StatusCode::kNotFound)) return NotForThisToken(g);
  ARBOR_RETURN_IF_ERROR(share.status());
  RepoNamespace ns{g.repo, share->tenant_id, share->id};
  if (ns.location.empty() && !share->repository_id.empty()) {
    ARBOR_ASSIGN_OR_RETURN(catalog::Repository row,
                           s.catalog->repositories().Find(s.principal, share->repository_id));
    ARBOR_ASSIGN_OR_RETURN(StoreLocation parsed, ParseStoreLocation(row.url));
    ns.location = parsed.ToString();
  }
  return ns;
}

}  // namespace

std::optional<RepoNamespace> ResolveRepoNamespace(const GlobalOptions& g, int* exit_code) {
  std::optional<RepoNamespace> ns;
  if (g.token.empty()) {
    ns = RepoNamespace{g.repo, g.tenant.empty() ? kDefaultNamespace : g.tenant,
                       g.share.empty() ? kDefaultNamespace : g.share};
  } else {
    auto session = OpenCatalogSession(g, exit_code);
    if (!session) return std::nullopt;
    auto resolved = ResolveThroughCatalog(g, *session);
    if (!resolved.ok()) {
      int code = ReportError(g, resolved.status());
      *exit_code = resolved.status().Is(StatusCode::kNotFound) ? kExitNoNamespace : code;
      return std::nullopt;
    }
    ns = std::move(resolved).value();
  }
  if (ns->location.empty()) {
    ReportError(g, Status::InvalidArgument("no repository given: use -r/--repo DIR or set ARBOR_REPO"));
    *exit_code = kExitNoRepo;
    return std::nullopt;
  }
  return ns;
}

}  // namespace arbor::cli
