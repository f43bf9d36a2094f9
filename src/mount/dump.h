// Dump: one file of a snapshot as raw bytes, or a directory and everything below it as
// a tar (POSIX pax) or zip stream, written to a file descriptor (`arbor dump`, for people
// who want one file without mounting or restoring).
//
// A tar holds what `tar -x` needs to restore the tree as backed up: types, modes, owners
// (ids and names), times to the nanosecond (pax), symlinks, hard links (the second path
// of a hard-link group is a link to the first), devices and FIFOs, and xattrs (pax
// LIBARCHIVE.xattr / SCHILY.xattr records, which GNU tar restores with --xattrs). Sockets
// cannot be archived and are left out with a warning. Blobs are read through a BlobCache
// with read-ahead, one directory object at a time.
#pragma once

#include <functional>
#include <string>

#include "base/status.h"
#include "mount/blob_cache.h"
#include "repo/node.h"
#include "repo/repository.h"

namespace arbor {

enum class ArchiveFormat { kTar, kZip };

// Writes a file's bytes (holes as zeros) to `fd`.
Status DumpFile(BlobCache& cache, const Node& file, int fd);

// Writes `dir` (a directory node, as LookupPath returns it) and everything below it as an
// archive to `fd`. Entries are named below the directory's own name ("docs/a.txt"); the
// snapshot root ("/") has no entry of its own and its children are at the top. `warn`
// receives what could not be archived (sockets).
Status DumpTree(Repository& repo, BlobCache& cache, const Node& dir, ArchiveFormat format, int fd,
                const std::function<void(const std::string&)>& warn);

}  // namespace arbor
