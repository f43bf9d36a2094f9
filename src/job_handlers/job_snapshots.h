// How a job's snapshot is found again, so that a backup job is idempotent.
//
// A backup job tags its snapshot "arbor-job:<job id>". An attempt that starts after a
// crash (kill -9, a lost lease) first looks for a snapshot with its job's tag: if the
// earlier attempt got as far as writing one, that snapshot is the job's result and nothing
// is backed up again. The snapshot object is written last by the engine, so a tagged
// snapshot is always complete.
//
// Two attempts can both write one only if the first kept running after losing its lease
// (it stops at the next file once the lease keeper tells it, so the window is short).
// Settle() then keeps the snapshot with the smallest id, deterministically, whichever
// attempt runs it, and deletes the others from the repository and the catalog.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "jobs/job_handler.h"
#include "repo/repository.h"

namespace arbor::job_handlers {

// "arbor-job:<id>".
std::string JobTag(int64_t job_id);

// Snapshots of `repo` carrying `tag`, ordered by id.
Result<std::vector<Snapshot>> SnapshotsTagged(Repository& repo, const std::string& tag);

// The one snapshot tagged `tag` (extra ones deleted from the repository and, if recorded,
// from the catalog; see above), or nullopt when there is none.
Result<std::optional<Snapshot>> SettleTaggedSnapshot(Repository& repo, jobs::JobContext& ctx, const std::string& tag);

// Records `snapshot` in the catalog for the job's share, as the result of the job's tree
// (idempotent by snapshot id).
Status RecordSnapshot(jobs::JobContext& ctx, const jobs::Job& job, const Snapshot& snapshot);

}  // namespace arbor::job_handlers
