// What snapshots reference: a tree, its subtrees, and the data and permission blobs of
// their entries. Prune keeps exactly this; `stats --mode raw-data` sizes it.
#pragma once

#include <unordered_set>

#include "base/status.h"
#include "repo/repository.h"

namespace arbor {

using BlobSet = std::unordered_set<Digest, DigestHash>;

// Adds `tree` and everything below it to `used`; a subtree already in `used` is not
// walked again (shared subtrees cost once). When a directory object cannot be read,
// returns its status and sets *unreadable to its id.
Status CollectReferencedBlobs(Repository& repo, const Digest& tree, BlobSet* used, Digest* unreadable);

}  // namespace arbor
