// Checks on a directory about to take a mount, so that a bad mount point gets a message
// that says what is wrong and what to do, rather than libfuse's bare errno.
#pragma once

#include <string>

#include "base/status.h"

namespace arbor {

// OK when `path` is an empty directory that is not already a mount point. Otherwise:
// NotFound (missing), InvalidArgument (not a directory, or not empty), Busy (already a
// mount point), Unavailable (a stale FUSE mount whose process died: ENOTCONN, with the
// fusermount3 command that clears it).
Status CheckMountPoint(const std::string& path);

}  // namespace arbor
