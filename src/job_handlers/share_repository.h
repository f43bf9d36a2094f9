// The repository a share's snapshots go to, found through the catalog: the share's
// repository row names the object store, and the share itself the namespace
// "{tenant_id}/{share_id}" inside it, so tenants never share keys or dedup space.
//
// A namespace without a repository yet is initialised on first use (the first backup of a
// new share). Two workers initialising the same namespace at once may both write a config;
// the last one stays, and the other's first backup only chunks with another seed: data is
// addressed by SHA-256, so nothing is lost, only some dedup with that one backup.
//
// When the share's tenant has a repository password in the catalog (catalog::TenantStore),
// the namespace is opened with it and a new one is made encrypted (a passphrase key object
// with the tenant's Argon2id cost); without one it is made unencrypted (version 1). A
// sealed password needs the catalog key in the worker's environment: without it the job
// fails saying so.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "catalog/catalog.h"
#include "repo/repository.h"
#include "store/store_options.h"

namespace arbor::job_handlers {

// `create`: initialise the namespace (and the store's folder) if missing; otherwise
// NotFound when the share has never been backed up. InvalidArgument for a share without
// a repository. Every lookup is scoped by `p`. `store_options`: how the store is opened
// (the worker's bandwidth limits, S3 endpoint, ssh key, ...).
Result<std::unique_ptr<Repository>> OpenShareRepository(catalog::Catalog& catalog,
                                                        const catalog::Principal& p,
                                                        const catalog::Share& share, bool create,
                                                        const StoreOptions& store_options);

}  // namespace arbor::job_handlers
