#include "job_handlers/share_repository.h"

#include <optional>

#include "store/open_store.h"

namespace arbor::job_handlers {
namespace {

// The tenant's repository password as a credential (nullopt: none set), and the Argon2id
// cost of a key object made for a new namespace.
struct TenantKey {
  std::optional<crypto::Credential> credential;
  crypto::KdfParams kdf = crypto::KdfParams::Default();
};

Result<TenantKey> TenantKeyOf(catalog::Catalog& catalog, const catalog::Principal& p,
                              const std::string& tenant_id) {
  auto password = catalog.tenants().ResolveRepositoryPassword(p, tenant_id);
  if (!password.ok()) {
    // Say what this worker lacks: the job cannot run on it until it has the catalog key.
    return password.status().Annotate("opening the repository of tenant " + tenant_id);
  }
  TenantKey key;
  if (password->password.empty()) return key;
  key.credential = crypto::Credential::Passphrase(std::move(password->password));
  if (password->kdf_time_cost != 0) key.kdf.time_cost = password->kdf_time_cost;
  if (password->kdf_memory_kib != 0) key.kdf.memory_kib = password->kdf_memory_kib;
  return key;
}

}  // namespace

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
  ARBOR_ASSIGN_OR_RETURN(TenantKey key, TenantKeyOf(catalog, p, share.tenant_id));
  const crypto::Credential* credential = key.credential ? &*key.credential : nullptr;
  ARBOR_ASSIGN_OR_RETURN(auto store, OpenObjectStore(location, create, store_options));
  auto repo = Repository::Open(std::move(store), share.tenant_id, share.id, credential);
  if (!create || !repo.status().Is(StatusCode::kNotFound)) return repo;
  ARBOR_ASSIGN_OR_RETURN(store, OpenObjectStore(location, create, store_options));
  auto made = Repository::Init(std::move(store), share.tenant_id, share.id, RepoConfig::NewRandom(),
                               credential, key.kdf);
  if (!made.status().Is(StatusCode::kAlreadyExists)) return made;
  // Another worker initialised it between our Open and Init.
  ARBOR_ASSIGN_OR_RETURN(store, OpenObjectStore(location, create, store_options));
  return Repository::Open(std::move(store), share.tenant_id, share.id, credential);
}

}  // namespace arbor::job_handlers
