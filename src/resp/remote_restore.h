// RunRemoteRestore: `arbor restore --remote resp://...` (docs/resp.md, "Remote
// restore"). Walks a snapshot's trees with TREE.GET and fetches each file's parts with
// pipelined BGET, checking every part against the SHA-256 its tree names before a byte
// of it is written; directories, files and symlinks are made by a RestoreTarget (the
// local restore's PosixTarget: modes, times, symlinks as `arbor restore` sets them,
// each file appearing under its name only once complete, directory times set last,
// deepest first).
//
// One connection, pipelined across files: while one file is written, the BGETs of the
// next files' parts are already in flight (up to 1,000 requests or 8 MiB, by the files'
// average part sizes), so a tree of small files is not a round trip per file. Files are
// still written one at a time, in walk order, each appearing only once complete. A part
// the server lacks or that does not match its hash stops the restore with an error
// naming the file (Corruption or NotFound); what was restored before it stays.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "resp/remote_client.h"
#include "shares/restore_target.h"

namespace arbor::resp {

struct RemoteRestoreOptions {
  std::vector<std::string> includes;  // snapshot paths ("/a/b") as restore's --include (empty: all)
  OverwritePolicy overwrite = OverwritePolicy::kAlways;  // restore's --overwrite (restorer/overwrite.h)
};

struct RemoteRestoreResult {
  uint64_t files = 0;          // files and symlinks
  uint64_t files_skipped = 0;  // existing files kept by the overwrite policy
  uint64_t dirs = 0;
  uint64_t bytes = 0;
  uint64_t max_in_flight = 0;         // the most BGETs sent at once before their replies were read
  std::vector<std::string> warnings;  // what the target could not set
};

// Restores the tree `root` into `target`.
Result<RemoteRestoreResult> RunRemoteRestore(RemoteClient& client, const Digest& root, RestoreTarget& target,
                                             const RemoteRestoreOptions& options);

}  // namespace arbor::resp
