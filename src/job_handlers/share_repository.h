// The repository a share's snapshots go to, found through the catalog: the share's
// repository row names the object store, and the share itself the namespace
// "{tenant_id}/{share_id}" inside it, so tenants never share keys or dedup space.
//
// A namespace without a repository yet is initialised on first use (the first backup of a
// new share). Two workers initialising the same namespace at once may both write a config;
// the last one stays, and the other's first backup only chunks with another seed: data is
// addressed by SHA-256, so nothing is lost, only some dedup with that one backup.
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
