// RestoreHandler: the "restore" job. Restores a snapshot of the job's share (only that
// share's repository namespace is opened, so a job can reach no other share's data) into
// a directory on the worker.
//
// Where it may write: inside the POSIX share directories of the job's own tenant, or
// below a root the worker was started with (HandlerOptions); anything else is refused
// (PermissionDenied), so a tenant cannot have a worker write over another tenant's files.
// An in-place restore (payload `in_place`) writes back over the snapshot's own paths:
// each path it restores must be inside the job's own POSIX share, and the directories on
// the way to them keep their live metadata (restorer/in_place_target.h). No restore
// deletes anything: files the snapshot lacks stay. A restore into an Azure Files share
// (payload `target_share_id`) writes below that share's location, connecting with its
// credential from the catalog; the share is found through the job's principal, so it
// can only be one of the job's tenant.
// A restore is idempotent (files are rewritten whole), so a retry simply runs it again.
// Progress is reported when it ends; it is not cancelled midway.
#pragma once

#include "job_handlers/handler_options.h"
#include "jobs/job_handler.h"

namespace arbor::job_handlers {

class RestoreHandler final : public jobs::JobHandler {
 public:
  explicit RestoreHandler(HandlerOptions options) : options_(std::move(options)) {}
  Status Run(const jobs::Job& job, jobs::JobContext& ctx) override;

 private:
  const HandlerOptions options_;
};

}  // namespace arbor::job_handlers
