// Restore: recreates a snapshot (or the parts named by --include) in a
// RestoreTarget: directories, file content (holes of sparse files left as holes),
// special files, hard links (as links) and metadata. Files are written by a pool of
// workers, each handed a run of one directory's files (RestoreTarget::FilesPerRun: 256
// files or 32 MiB into a directory, one file per task into Azure Files) that it writes
// through one handle on that directory (RestoreTarget::OpenFiles): the threads
// work in different directories instead of queueing on one directory's lock, and a
// small file costs no hand-off of its own. Each blob is fetched with one ranged read;
// directory metadata is set last, deepest first, so creating children does not disturb
// their parents' times.
//
// Names come from the repository and are untrusted: trees are decoded with name
// checks (no "..", "/", NUL) before anything is created.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "pipeline/progress.h"
#include "repo/repository.h"
#include "shares/restore_target.h"

namespace arbor {

struct RestoreOptions {
  std::vector<std::string> includes;  // snapshot paths ("/home/u/doc"); empty: everything
  OverwritePolicy overwrite = OverwritePolicy::kAlways;
  int threads = 0;
  ProgressMode progress = ProgressMode::kQuiet;
};

struct RestoreResult {
  uint64_t files = 0;
  uint64_t files_skipped = 0;  // existing files kept by the overwrite policy
  uint64_t dirs = 0;
  uint64_t bytes = 0;
  uint64_t errors = 0;
  std::vector<std::string> warnings;
  // Snapshot paths not restored because the repository lost or damaged their data
  // ("/dir/ (everything below it)" for a lost directory object). Also counted in errors.
  std::vector<std::string> damaged;
  double seconds = 0;
};

// Fails when the snapshot's root cannot be read or the target is full (NoSpace, naming
// the file). Damage below the root does not stop it: every file that can be restored
// is, each appears under its name only when complete (RestoreTarget::WriteFile), and
// the others are listed in `damaged`.
Result<RestoreResult> RunRestore(Repository& repo, const Snapshot& snapshot, RestoreTarget& target,
                                 const RestoreOptions& options);

}  // namespace arbor
