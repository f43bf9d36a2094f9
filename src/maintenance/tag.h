// `arbor tag`: changes the tags of existing snapshots, as restic's `tag`. A snapshot
// object is named by its content, so a changed snapshot is saved under a new id and the
// old object deleted after it (a crash between leaves both: the same backup listed twice,
// which `forget` or another `tag` run tidies; never none).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "repo/repository.h"
#include "repo/snapshot.h"

namespace arbor {

struct TagChange {
  std::vector<std::string> add;
  std::vector<std::string> remove;
  std::optional<std::vector<std::string>> set;  // replaces every tag (then add/remove apply)

  bool Empty() const { return add.empty() && remove.empty() && !set; }
};

// The tags `snapshot` has after `change`, sorted and without duplicates.
// InvalidArgument for an empty tag or one that only arbor may set (arbor-part-of:...).
Result<std::vector<std::string>> ApplyTagChange(const std::vector<std::string>& tags,
                                                const TagChange& change);

// Saves `snapshot` with its new tags and deletes the old object. Returns the new id, or
// nullopt when the tags do not change (nothing is written). A partial snapshot (one unit
// of a running scan) is refused: its tag belongs to the scan.
Result<std::optional<Digest>> RetagSnapshot(Repository& repo, const Snapshot& snapshot,
                                            const TagChange& change);

}  // namespace arbor
