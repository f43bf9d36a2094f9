#include "cli/catalog_context.h"

#include <cstdlib>
#include <filesystem>

#include "base/file_util.h"
#include "base/state_dir.h"

namespace arbor::cli {

std::string DefaultCatalogPath() { return StateDir() + "/catalog.db"; }

std::string CatalogUrlFor(const GlobalOptions& g) {
  return g.catalog.empty() ? DefaultCatalogPath() : g.catalog;
}

Status MakeDefaultCatalogFolder(const GlobalOptions& g) {
  // Only the default location is created on demand; a path the user typed must exist.
  if (!g.catalog.empty()) return Status::Ok();
  return MakeDirs(std::filesystem::path(DefaultCatalogPath()).parent_path().string())
      .Annotate("creating the default catalog folder");
}

std::optional<CatalogSession> OpenCatalogSession(const GlobalOptions& g, int* exit_code) {
  std::string url = CatalogUrlFor(g);
  if (Status made = MakeDefaultCatalogFolder(g); !made.ok()) {
    *exit_code = ReportError(g, made);
    return std::nullopt;
  }
  auto catalog = catalog::Catalog::Open(url);
  if (!catalog.ok()) {
    *exit_code = ReportError(g, catalog.status());  // Catalog::Open names the catalog
    return std::nullopt;
  }
  CatalogSession session{std::move(catalog).value(), catalog::Principal::Operator()};
  if (!g.token.empty()) {
    auto who = session.catalog->tokens().Authenticate(g.token);
    if (!who.ok()) {
      int code = ReportError(g, who.status());
      *exit_code = who.status().Is(StatusCode::kPermissionDenied) ? kExitBadToken : code;
      return std::nullopt;
    }
    session.principal = *who;
  }
  return session;
}

Result<std::string> ResolveTenantId(CatalogSession& s, const std::string& name_or_id) {
  if (name_or_id.empty()) return std::string();
  ARBOR_ASSIGN_OR_RETURN(catalog::Tenant t, s.catalog->tenants().Find(s.principal, name_or_id));
  return t.id;
}

Result<catalog::Share> ResolveShare(CatalogSession& s, const std::string& share, const std::string& tenant) {
  if (tenant.empty()) return s.catalog->shares().Find(s.principal, share);
  ARBOR_ASSIGN_OR_RETURN(std::string tenant_id, ResolveTenantId(s, tenant));
  ARBOR_ASSIGN_OR_RETURN(auto shares, s.catalog->shares().List(s.principal, tenant_id));
  for (auto& sh : shares) {
    if (sh.id == share || sh.name == share) return sh;
  }
  return Status::NotFound("share " + share + " not found");
}

std::string FormatMs(int64_t ms) { return ms == 0 ? "-" : FormatTime(ms * 1000000); }

}  // namespace arbor::cli
