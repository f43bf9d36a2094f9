// PruneHandler: the "prune" job. Optionally forgets snapshots by a retention policy (in
// the repository and the catalog), then frees the data no snapshot references.
//
// Prune takes the repository's exclusive lock; while a backup of the share runs it waits
// a minute and then gives up with Busy, which the queue retries with backoff. Every step
// is safe to run again after a kill (see maintenance/prune.h), so a retry simply reruns it.
#pragma once

#include "job_handlers/handler_options.h"
#include "jobs/job_handler.h"

namespace arbor::job_handlers {

class PruneHandler final : public jobs::JobHandler {
 public:
  explicit PruneHandler(HandlerOptions options) : options_(std::move(options)) {}
  Status Run(const jobs::Job& job, jobs::JobContext& ctx) override;

 private:
  const HandlerOptions options_;
};

}  // namespace arbor::job_handlers
