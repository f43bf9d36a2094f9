// `restore --delete`: makes the target a mirror of the snapshot (restic's --delete) by
// removing, after the restore, what the target holds that the snapshot does not — but
// only at and below the paths that were backed up (the snapshot's paths, narrowed by
// --include). The folders above them (/, /home for a backup of /home/u) are the way to
// the data, not data: what else they hold in the target is never touched, so
// `restore --target / --delete` of a backup of /home/u mirrors /home/u and nothing else.
// An entry whose kind differs (a file where the snapshot has a directory) was already
// replaced by the restore.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "browse/tree_walk.h"
#include "repo/repository.h"
#include "repo/snapshot.h"

namespace arbor {

struct MirrorDeleteResult {
  uint64_t removed = 0;               // entries removed (a directory counts once)
  std::vector<std::string> examples;  // the first few removed, as target paths
};

// The snapshot paths --delete mirrors below: each backed-up path under some include (all
// of them without includes), and each include below a backed-up path.
std::vector<std::string> MirrorRoots(const std::vector<std::string>& snapshot_paths,
                                     const std::vector<std::string>& includes);

// InvalidArgument when the target is / and a mirror root is / (a backup of the whole
// machine restored over it with --delete would remove everything made since, and what
// cannot be removed — /proc — stops it half-way). The CLI asks before restoring.
Status CheckMirrorTarget(const std::string& root, const std::vector<std::string>& mirror_roots);

// Checks the target (CheckMirrorTarget), then removes. Fails at the first entry that cannot be removed
// (nothing after it is removed), or when a tree cannot be read. Never follows a symlink: a link is removed,
// not its target.
Result<MirrorDeleteResult> MirrorDelete(Repository& repo, const Snapshot& snapshot, const std::string& root,
                                        const std::vector<std::string>& includes);
// MirrorDelete of the snapshot of `paths` whose root tree is `tree`, with the directory
// objects read by `load` (`restore --remote --delete`: a RESP server's TREE.GET).
Result<MirrorDeleteResult> MirrorDeleteWith(const TreeLoader& load, const std::vector<std::string>& paths,
                                            const Digest& tree, const std::string& root,
                                            const std::vector<std::string>& includes);

}  // namespace arbor
