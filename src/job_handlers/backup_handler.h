// BackupHandler: the "backup" job. Backs up the job's share into the share's repository
// namespace and records the snapshot in the catalog. A scan's child (payload part_of)
// backs up only its units into a partial snapshot, which is not recorded: the scan's
// assemble job turns the parts into the share's snapshot (scan_handler.h).
//
// Idempotent (see job_snapshots.h): an attempt first looks for the snapshot an earlier
// attempt of the same job may have written, and backs up only if there is none. A killed
// attempt leaves at most unindexed packs (which prune removes) and never a snapshot, since
// the engine writes the snapshot object last.
//
// Progress: the engine's files and bytes, relayed every 250 ms. Cancellation (and a lost
// lease) stop the walk at the next file; the job then ends with no snapshot.
#pragma once

#include "job_handlers/handler_options.h"
#include "jobs/job_handler.h"

namespace arbor::job_handlers {

class BackupHandler final : public jobs::JobHandler {
 public:
  explicit BackupHandler(HandlerOptions options) : options_(std::move(options)) {}
  Status Run(const jobs::Job& job, jobs::JobContext& ctx) override;

 private:
  const HandlerOptions options_;
};

}  // namespace arbor::job_handlers
