// ScanHandler: the "scan" job, which lets many workers back up one huge share at once.
//
// It lists the share once and splits it into units of at most max_files entries and
// max_bytes bytes (archiver/partition.h). Each unit becomes a backup child (which writes a
// partial snapshot) as soon as the listing completes it, so other workers start on the
// first parts while the scan lists the rest. Last comes one "assemble" child that waits,
// as a barrier, for the scan and all the backups to end before it merges the parts into
// the share's snapshot (assemble_handler.h). Every child compares with the same parent: the share's newest
// complete snapshot when the scan ran.
//
// Idempotent: a child's key is a hash of its unit, so a retried scan that finds the same
// tree re-enqueues nothing. One that finds the tree changed enqueues the new units beside
// the old ones: the assemble merges the units of whichever attempt enqueued it, and
// deletes every partial snapshot of the scan, so neither a gap nor a leftover results.
#pragma once

#include "job_handlers/handler_options.h"
#include "jobs/job_handler.h"

namespace arbor::job_handlers {

class ScanHandler final : public jobs::JobHandler {
 public:
  explicit ScanHandler(HandlerOptions options) : options_(std::move(options)) {}
  Status Run(const jobs::Job& job, jobs::JobContext& ctx) override;

 private:
  const HandlerOptions options_;
};

}  // namespace arbor::job_handlers
