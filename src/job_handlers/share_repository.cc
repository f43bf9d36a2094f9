#include "job_handlers/share_repository.h"

#include "store/open_store.h"

namespace arbor::job_handlers {

Result<std::unique_ptr<Repository>> OpenShareRepository(catalog::Catalog& catalog,
                                                        const catalog::Principal& p,
                                                        const catalog::Share& share, bool create,
                                                        const StoreOptions& store_options) {
  if (share.repository_id.empty()) {
    return Status::InvalidArgument("share " + share.name + " has no repository (add it with -r/--repo)");
  }
  ARBOR_ASSIGN_OR_RETURN(catalog::Repository row, catalog.repositories().Find(p, share.repository_id));
  ARBOR_ASSIGN_OR_RETURN(StoreLocation parsed, ParseStoreLocation(row.url));
  if (parsed.IsLocal() && parsed.path.front() != '/') {
    return Status::InvalidArgument("repository location " + row.url + " is not an absolute path or URL");
  }
  const std::string location = parsed.ToString();
  ARBOR_ASSIGN_OR_RETURN(auto store, OpenObjectStore(location, create, store_options));
  auto repo = Repository::Open(std::move(store), share.tenant_id, share.id);
  if (!create || !repo.status().Is(StatusCode::kNotFound)) return repo;
  ARBOR_ASSIGN_OR_RETURN(store, OpenObjectStore(location, create, store_options));
  auto made = Repository::Init(std::move(store), share.tenant_id, share.id, RepoConfig::NewRandom());
  if (!made.status().Is(StatusCode::kAlreadyExists)) return made;
  // Another worker initialised it between our Open and Init.
  ARBOR_ASSIGN_OR_RETURN(store, OpenObjectStore(location, create, store_options));
  return Repository::Open(std::move(store), share.tenant_id, share.id);
}

}  // namespace arbor::job_handlers
