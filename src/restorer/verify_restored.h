// `restore --verify`: after a restore into a directory, reads every restored file back
// and checks each chunk against the blob id the snapshot records for it (restic's
// --verify). It proves what is on disk is what was backed up, not only that the restore
// wrote without error: a disk, a file system or a concurrent writer that changed a byte
// is caught. Reads only the target, never the repository's data.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "browse/tree_walk.h"
#include "repo/repository.h"
#include "repo/snapshot.h"

namespace arbor {

struct VerifyRestoredResult {
  uint64_t files = 0;
  uint64_t bytes = 0;
  std::vector<std::string> problems;  // "<path>: <what differs>", one per file
};

// Checks the regular files of `snapshot` that `includes` select (restore's --include;
// empty: all) under `root` (restore's --target). Fails only when a tree cannot be read;
// a missing or different file is a problem, not an error.
Result<VerifyRestoredResult> VerifyRestored(Repository& repo, const Snapshot& snapshot,
                                            const std::string& root,
                                            const std::vector<std::string>& includes);

// Names a chunk as the trees do: the repository's blob id, or a RESP server's SHA-256.
using ChunkNamer = std::function<Digest(std::string_view data)>;

// The same check of the tree `tree` read through `load`, whose file nodes must carry
// their chunk sizes (`restore --remote --verify` reads them with BSTAT).
Result<VerifyRestoredResult> VerifyRestoredTree(const TreeLoader& load, const ChunkNamer& name,
                                                const Digest& tree, const std::string& root,
                                                const std::vector<std::string>& includes);

}  // namespace arbor
