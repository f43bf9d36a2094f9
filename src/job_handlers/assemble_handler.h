// AssembleHandler: the "assemble" job, the last child of a scan (scan_handler.h). Runs
// once the scan and all its backup parts have succeeded (a barrier child), merges the
// parts' partial snapshots into one snapshot of the whole share (archiver/assemble.h),
// records it in the catalog as the result of the scan's job tree, and deletes every
// partial snapshot of the scan (and those left by earlier scans whose parts failed).
//
// Idempotent: the assembled snapshot carries the assemble job's tag, so an attempt after
// a crash finds it and only finishes the recording and the clean-up.
#pragma once

#include "job_handlers/handler_options.h"
#include "jobs/job_handler.h"

namespace arbor::job_handlers {

class AssembleHandler final : public jobs::JobHandler {
 public:
  explicit AssembleHandler(HandlerOptions options) : options_(std::move(options)) {}
  Status Run(const jobs::Job& job, jobs::JobContext& ctx) override;

 private:
  const HandlerOptions options_;
};

}  // namespace arbor::job_handlers
