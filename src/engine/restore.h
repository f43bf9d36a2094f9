// Restore: recreates a snapshot (or the parts named by --include) under a target
// directory: directories, file content (holes of sparse files left as holes),
// symlinks, hard links (as links), FIFOs and devices, mode, owner (when root), times
// and xattrs/ACLs. Files are written by a pool of workers; directory metadata is set
// last, deepest first, so creating children does not disturb their parents' times.
//
// Names come from the repository and are untrusted: trees are decoded with name
// checks (no "..", "/", NUL), and nothing is followed through a symlink that was
// already in the target.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "engine/progress.h"
#include "repo/repository.h"

namespace arbor {

struct RestoreOptions {
  std::string target;                 // created if missing
  std::vector<std::string> includes;  // snapshot paths ("/home/u/doc"); empty: everything
  int threads = 0;
  ProgressMode progress = ProgressMode::kQuiet;
};

struct RestoreResult {
  uint64_t files = 0;
  uint64_t dirs = 0;
  uint64_t bytes = 0;
  uint64_t errors = 0;
  std::vector<std::string> warnings;
  double seconds = 0;
};

// Fails on repository errors and on a full target disk (NoSpace, naming the file);
// other per-entry failures are warnings.
Result<RestoreResult> RunRestore(Repository& repo, const Snapshot& snapshot, const RestoreOptions& options);

}  // namespace arbor
