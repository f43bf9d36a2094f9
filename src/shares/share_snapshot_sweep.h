// Sweeping the share snapshots arbor made and no longer needs.
//
// Every backup of an Azure Files share creates a share snapshot (ShareSnapshotSession)
// and records it in its arbor snapshot (Snapshot::source_snapshot). Azure allows 200 per
// share, so after each successful backup (or assembled scan) arbor deletes those it does
// not need any more, whatever the backup's flags (--force, --live, --snapshot).
//
// Only share snapshots marked arbor=backup are ever candidates, and of those only the ones
// this repository made (arborrepo=<repository id>) or that carry no repository mark (made
// by an arbor before the mark existed). A candidate is KEPT when:
//   1. the newest complete snapshot of a lineage (same source, host and paths: what the
//      next backup takes as its parent) records it: the next backup diffs against it;
//   2. a partial snapshot records it: a scan is running, or its leftovers are released
//      by the next assemble of that share;
//   3. no snapshot records it and it is younger than `min_age`: a backup or scan may be
//      reading it right now and has not saved the snapshot that will record it.
// Every other candidate is DELETED: one recorded only by older snapshots (superseded, e.g.
// the previous share snapshot after a --force backup, which names no parent), or one that
// nothing records and that is older than `min_age` (left by a killed backup, or by
// snapshots that `forget` removed). Snapshot ids are their creation times (UTC), which is
// how the age is known.
//
// The age limit is the safety margin for concurrent work: a backup or the listing phase
// of a scan that runs longer than `min_age` could lose its share snapshot to another
// backup's sweep, and would then fail (nothing is written from a partial read).
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "azure/file_time.h"
#include "azure/files_client.h"
#include "base/status.h"
#include "repo/repository.h"

namespace arbor {

// Longer than any single backup or scan listing is expected to run.
inline constexpr std::chrono::seconds kShareSnapshotSweepMinAge = std::chrono::hours(24 * 7);

struct ShareSnapshotSweepInput {
  std::vector<azure::ShareItem> share_snapshots;  // the share's snapshots, with metadata
  std::vector<Snapshot> repository_snapshots;     // all of the repository's
  std::string source_kind;                        // "azfiles://ACCOUNT/SHARE": whose snapshots count
  std::string repository_id;                      // RepoConfig::id
  azure::FileTime now;
  std::chrono::seconds min_age = kShareSnapshotSweepMinAge;
};

// The ids of the share snapshots to delete, by the rules above. Pure.
std::vector<std::string> ShareSnapshotsToSweep(const ShareSnapshotSweepInput& input);

// Lists `share`'s snapshots and `repo`'s snapshots and deletes what ShareSnapshotsToSweep
// picks. Returns the ids deleted (one already gone counts as deleted). A failure to list
// is returned; a failure to delete one does not stop the others and is returned after
// them. Callers treat any error as a warning: the backup stands.
Result<std::vector<std::string>> SweepShareSnapshots(
    azure::FilesClient& client, const std::string& share, Repository& repo, const std::string& source_kind,
    std::chrono::seconds min_age = kShareSnapshotSweepMinAge);

}  // namespace arbor
