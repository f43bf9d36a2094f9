#include "cli/repo_namespace.h"

#include <cctype>
#include <filesystem>

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

// A catalog share's namespace; -r/--repo, when not given, is the share's repository.
Result<RepoNamespace> ShareNamespace(const GlobalOptions& g, CatalogSession& s, const catalog::Share& share) {
  RepoNamespace ns{g.repo, share.tenant_id, share.id};
  if (ns.location.empty() && !share.repository_id.empty()) {
    ARBOR_ASSIGN_OR_RETURN(catalog::Repository row,
                           s.catalog->repositories().Find(s.principal, share.repository_id));
    ARBOR_ASSIGN_OR_RETURN(StoreLocation parsed, ParseStoreLocation(row.url));
    ns.location = parsed.ToString();
  }
  return ns;
}

Result<RepoNamespace> ResolveThroughCatalog(const GlobalOptions& g, CatalogSession& s) {
  if (g.share.empty()) {
    return Status::InvalidArgument("with an API token, name the share: --share NAME|ID (`arbor share list`)");
  }
  auto share = ResolveShare(s, g.share, g.tenant);
  if (share.status().Is(StatusCode::kNotFound)) return NotForThisToken(g);
  ARBOR_RETURN_IF_ERROR(share.status());
  return ShareNamespace(g, s, *share);
}

// Whether there is a catalog to ask without making one: one named with --catalog /
// ARBOR_CATALOG, or the default file when it exists.
bool CatalogToAsk(const GlobalOptions& g) {
  std::error_code ec;
  return !g.catalog.empty() || std::filesystem::exists(DefaultCatalogPath(), ec);
}

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Without a token, --tenant/--share name a catalog share when the catalog has one by that
// name or id: its namespace is then "{tenant id}/{share id}", where `share add` and the
// workers put it. A name the catalog does not know stays a plain namespace of the
// repository, except one that differs from a catalog tenant or share only in case, which
// would silently make a second namespace beside the catalog's: refused, naming the right one.
Result<std::optional<RepoNamespace>> ResolveByCatalogNames(const GlobalOptions& g, CatalogSession& s) {
  std::string tenant_id;
  if (!g.tenant.empty()) {
    auto tenant = s.catalog->tenants().Find(s.principal, g.tenant);
    if (tenant.ok()) {
      tenant_id = tenant->id;
    } else if (!tenant.status().Is(StatusCode::kNotFound)) {
      return tenant.status();
    } else {
      ARBOR_ASSIGN_OR_RETURN(auto all, s.catalog->tenants().List(s.principal));
      for (const auto& t : all) {
        if (Lower(t.name) == Lower(g.tenant)) {
          return Status::NotFound("tenant " + g.tenant + " is not in the catalog; did you mean " + t.name +
                                  "? (names are case-sensitive: `arbor tenant list`)");
        }
      }
      return std::optional<RepoNamespace>();  // a namespace of the repository only
    }
  }
  if (g.share.empty()) {
    if (tenant_id.empty()) return std::optional<RepoNamespace>();
    return Status::InvalidArgument("tenant " + g.tenant +
                                   " is in the catalog: name one of its shares with --share " +
                                   "NAME|ID (`arbor share list --tenant " + g.tenant + "`)");
  }
  ARBOR_ASSIGN_OR_RETURN(auto shares, s.catalog->shares().List(s.principal, tenant_id));
  const catalog::Share* found = nullptr;
  int matches = 0;
  for (const auto& sh : shares) {
    if (sh.id == g.share || (sh.name == g.share && (++matches, true))) found = &sh;
  }
  if (matches > 1) {
    return Status::InvalidArgument("share " + g.share +
                                   " names shares of several tenants: add --tenant NAME|ID");
  }
  if (found == nullptr) {
    for (const auto& sh : shares) {
      if (Lower(sh.name) == Lower(g.share)) {
        return Status::NotFound("share " + g.share + " is not in the catalog; did you mean " + sh.name +
                                "? (names are case-sensitive: `arbor share list`)");
      }
    }
    if (!tenant_id.empty()) {
      return Status::NotFound("tenant " + g.tenant + " has no share " + g.share +
                              " in the catalog (`arbor share list --tenant " + g.tenant +
                              "`; `arbor share add` makes one)");
    }
    return std::optional<RepoNamespace>();
  }
  ARBOR_ASSIGN_OR_RETURN(RepoNamespace ns, ShareNamespace(g, s, *found));
  return std::optional<RepoNamespace>(std::move(ns));
}

}  // namespace

std::optional<RepoNamespace> ResolveRepoNamespace(const GlobalOptions& g, int* exit_code) {
  std::optional<RepoNamespace> ns;
  // A token always goes through the catalog; names without one only when there is a
  // catalog to ask.
  if (!g.token.empty() || ((!g.tenant.empty() || !g.share.empty()) && CatalogToAsk(g))) {
    auto session = OpenCatalogSession(g, exit_code);
    if (!session) return std::nullopt;
    Result<std::optional<RepoNamespace>> found = std::optional<RepoNamespace>();
    if (g.token.empty()) {
      found = ResolveByCatalogNames(g, *session);
    } else if (auto through = ResolveThroughCatalog(g, *session); through.ok()) {
      found = std::optional<RepoNamespace>(std::move(through).value());
    } else {
      found = through.status();
    }
    if (!found.ok()) {
      int code = ReportError(g, found.status());
      *exit_code = found.status().Is(StatusCode::kNotFound) ? kExitNoNamespace : code;
      return std::nullopt;
    }
    ns = std::move(found).value();
  }
  if (!ns) {
    ns = RepoNamespace{g.repo, g.tenant.empty() ? kDefaultNamespace : g.tenant,
                       g.share.empty() ? kDefaultNamespace : g.share};
  }
  if (ns->location.empty()) {
    ReportError(g, Status::InvalidArgument("no repository given: use -r/--repo DIR or set ARBOR_REPO"));
    *exit_code = kExitNoRepo;
    return std::nullopt;
  }
  return ns;
}

}  // namespace arbor::cli
