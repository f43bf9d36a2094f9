// Assemble: one snapshot of a share from the partial snapshots of its units.
//
// A scan splits a share into units (partition.h) that workers back up in parallel, each
// into a partial snapshot whose tree holds only its unit, with the directories above it.
// Assembling merges those trees by name, recursively: a directory present in several
// parts becomes one directory holding the union of their entries. Subtrees that only one
// part holds are reused by id, so the merge reads and writes only the directories where
// units meet (the spine of the split), never the bulk of the tree. The result is the tree
// one backup of the whole share would have produced (tested in assemble_test.cc).
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "repo/repository.h"

namespace arbor {

struct AssembleOptions {
  std::vector<std::string> paths;  // the share's paths, as a whole-share backup records them
  std::string hostname;
  std::string source;  // the source kind ("posix", "azure-files")
  std::vector<std::string> tags;
};

// The union of the directory trees `trees` (by name; where two parts disagree on a
// non-directory entry, which only a share changing under the scan can cause, the first
// part's entry wins). Stores the merged directories in `repo`.
Result<Digest> MergeTrees(Repository& repo, const std::vector<Digest>& trees);

// Merges `parts` (partial snapshots of one share, not empty) and saves the result as a
// complete snapshot: statistics summed, time span from the first start to now, parent as
// the parts'. The caller holds a shared repository lock and deletes the parts afterwards.
Result<Snapshot> AssembleSnapshot(Repository& repo, const std::vector<Snapshot>& parts,
                                  const AssembleOptions& options);

}  // namespace arbor
