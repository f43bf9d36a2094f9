#include "job_handlers/share_repository.h"

namespace arbor::job_handlers {

Result<std::string> StoreLocation(const std::string& repository_url) {
  constexpr std::string_view kFile = "file://";
  if (repository_url.rfind(kFile, 0) == 0) return repository_url.substr(kFile.size());
  if (repository_url.rfind("local:", 0) == 0 || repository_url.rfind('/', 0) == 0) return repository_url;
  size_t scheme = repository_url.find("://");
  if (scheme != std::string::npos) {
    return Status::Unsupported("object store " + repository_url.substr(0, scheme) +
                               ":// is not supported by this build (local folders only)");
  }
  return Status::InvalidArgument("repository location " + repository_url + " is not an absolute path or URL");
}

Result<std::unique_ptr<Repository>> OpenShareRepository(catalog::Catalog& catalog, const catalog::Principal& p,
                                                        const catalog::Share& share, bool create) {
  if (share.repository_id.empty()) {
    return Status::InvalidArgument("share " + share.name + " has no repository (add it with -r/--repo)");
  }
  ARBOR_ASSIGN_OR_RETURN(catalog::Repository row, catalog.repositories().Find(p, share.repository_id));
  ARBOR_ASSIGN_OR_RETURN(std::string location, StoreLocation(row.url));
  ARBOR_ASSIGN_OR_RETURN(auto store, OpenObjectStore(location, create));
  auto repo = Repository::Open(std::move(store), share.tenant_id, share.id);
  if (!create || !repo.status().Is(StatusCode::kNotFound)) return repo;
  ARBOR_ASSIGN_OR_RETURN(store, OpenObjectStore(location, create));
  auto made = Repository::Init(std::move(store), share.tenant_id, share.id, RepoConfig::NewRandom());
  if (!made.status().Is(StatusCode::kAlreadyExists)) return made;
  // Another worker initialised it between our Open and Init.
  ARBOR_ASSIGN_OR_RETURN(store, OpenObjectStore(location, create));
  return Repository::Open(std::move(store), share.tenant_id, share.id);
}

}  // namespace arbor::job_handlers
