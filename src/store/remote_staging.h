// Where a remote store (SFTP, S3, Azure Blob) stages large objects before PutFile: a
// local directory private to this user, $TMPDIR/arbor-staging-<uid> (/tmp without
// TMPDIR), made with mode 0700. Every remote store of the user shares it; staged
// file names carry the writer's pid (repository's PackWriter), and a backup or prune
// removes those of dead processes, as for the local store's .staging.
#pragma once

#include <string>

#include "base/status.h"

namespace arbor {

// Makes the directory when missing. PermissionDenied when the path exists but is not a
// directory owned by this user and closed to others (someone else could read staged
// data or plant links there).
Result<std::string> RemoteStagingDir();

}  // namespace arbor
