// Opening an ObjectStore from a repository location (store_location.h): the local store
// for a directory, a remote backend for a URL, stacked with the wrappers every remote
// store gets (retries with backoff, limits). The one place that maps a location to a store.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "store/object_store.h"
#include "store/store_location.h"
#include "store/store_options.h"

namespace arbor {

// Creates nothing unless `create`: a local directory must exist (NotFound), a bucket or
// container must exist (NotFound). With `create` a local directory is made; remote
// containers are never created by arbor (they carry billing and access policy).
Result<std::unique_ptr<ObjectStore>> OpenObjectStore(const StoreLocation& location, bool create,
                                                     const StoreOptions& options);
// Parses `location` first (InvalidArgument/Unsupported as ParseStoreLocation).
Result<std::unique_ptr<ObjectStore>> OpenObjectStore(
    const std::string& location, bool create, const StoreOptions& options = StoreOptions::FromEnvironment());

// Where remote stores stage packs before upload: $TMPDIR (or /tmp)/arbor-staging-UID, made
// 0700 and refused unless it is a directory this user owns (another user could otherwise
// plant a symlink there).
Result<std::string> RemoteStagingDir();

// Where remote stores stage packs before upload: $TMPDIR (or /tmp)/arbor-staging-UID, made
// 0700 and refused unless it is a directory this user owns (another user could otherwise
// plant a symlink there).
Result<std::string> RemoteStagingDir();

}  // namespace arbor
