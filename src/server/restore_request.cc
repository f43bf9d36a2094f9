#include "server/restore_request.h"

#include "job_handlers/job_payloads.h"
#include "jobs/job_queue.h"
#include "server/api_routes.h"
#include "server/snapshot_reader.h"
#include "server/tree_page.h"

namespace arbor::server {

std::string DefaultRestoreFolder(const std::string& snapshot_id) {
  return "arbor-restore-" + snapshot_id.substr(0, 12);
}

Result<jobs::Job> SubmitRestore(ApiContext& ctx, const catalog::Principal& p, const std::string& snapshot_id,
                                const RestoreRequest& request) {
  ARBOR_ASSIGN_OR_RETURN(auto record, ctx.catalog.snapshots().Get(p, snapshot_id));
  ARBOR_ASSIGN_OR_RETURN(std::string path, NormalizeSnapshotPath(request.path));
  if (path != "/") {
    // A path the snapshot does not hold is refused now (404), not by a failed job later.
    ARBOR_RETURN_IF_ERROR(SnapshotReader(ctx, p, snapshot_id).Stat(path).status());
  }
  std::string target_id = request.target_share_id.empty() ? record.share_id : request.target_share_id;
  ARBOR_ASSIGN_OR_RETURN(catalog::Share target, ShareById(ctx.catalog, p, target_id));
  if (target.tenant_id != record.tenant_id) return Status::NotFound("share " + target_id + " not found");
  if (target.kind != catalog::ShareKind::kPosix)
    return Status::InvalidArgument("restores from the web go to POSIX shares only; " + target.name +
                                   " is an Azure Files share");
  std::string folder = request.folder.empty() ? DefaultRestoreFolder(record.id) : request.folder;
  if (folder[0] == '/') return Status::InvalidArgument("the restore folder is relative to the target share");
  // The same rules as a snapshot path: no "." or ".." components, no empty ones.
  ARBOR_ASSIGN_OR_RETURN(std::string inside, NormalizeSnapshotPath("/" + folder));

  job_handlers::RestorePayload payload;
  payload.snapshot = record.id;
  payload.target = target.location + (inside == "/" ? "" : inside);
  if (path != "/") payload.includes = {path};
  payload.overwrite = request.overwrite;
  jobs::JobSpec spec;
  spec.type = jobs::JobType::kRestore;
  spec.share_id = record.share_id;
  ARBOR_ASSIGN_OR_RETURN(spec.payload, CheckedPayload(spec.type, payload.ToJson()));
  return jobs::JobQueue(ctx.catalog).Enqueue(p, spec);
}

}  // namespace arbor::server
