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

namespace {

Result<jobs::Job> EnqueueRestore(ApiContext& ctx, const catalog::Principal& p,
                                 const catalog::Snapshot& record,
                                 const job_handlers::RestorePayload& payload) {
  jobs::JobSpec spec;
  spec.type = jobs::JobType::kRestore;
  spec.share_id = record.share_id;
  ARBOR_ASSIGN_OR_RETURN(spec.payload, CheckedPayload(spec.type, payload.ToJson()));
  return jobs::JobQueue(ctx.catalog).Enqueue(p, spec);
}

// Back where it was: the snapshot's paths are its share's absolute paths, so the restore
// writes over `path` itself ("/": the whole share); the worker checks again that every
// path is inside the share.
Result<jobs::Job> SubmitInPlace(ApiContext& ctx, const catalog::Principal& p, const catalog::Snapshot& record,
                                const std::string& path, const RestoreRequest& request) {
  if (!request.target_share_id.empty() && request.target_share_id != record.share_id)
    return Status::InvalidArgument(
        "an in-place restore goes back to the snapshot's own share: no target_share_id");
  if (!request.folder.empty())
    return Status::InvalidArgument("an in-place restore goes back to the snapshot's own paths: no folder");
  ARBOR_ASSIGN_OR_RETURN(catalog::Share share, ShareById(ctx.catalog, p, record.share_id));
  if (share.kind != catalog::ShareKind::kPosix)
    return Status::InvalidArgument("restores from the web go to POSIX shares only; " + share.name +
                                   " is an Azure Files share");
  ARBOR_ASSIGN_OR_RETURN(std::string location, NormalizeSnapshotPath(share.location));
  std::string include = path == "/" ? location : path;
  bool inside = include == location || location == "/" || include.rfind(location + "/", 0) == 0;
  if (!inside)
    return Status::InvalidArgument(path + " is not inside share " + share.name + " (" + share.location +
                                   "): it cannot be restored in place");
  job_handlers::RestorePayload payload;
  payload.snapshot = record.id;
  payload.target = "/";
  payload.includes = {include};
  payload.overwrite = request.overwrite;
  payload.in_place = true;
  return EnqueueRestore(ctx, p, record, payload);
}

}  // namespace

Result<jobs::Job> SubmitRestore(ApiContext& ctx, const catalog::Principal& p, const std::string& snapshot_id,
                                const RestoreRequest& request) {
  ARBOR_ASSIGN_OR_RETURN(auto record, ctx.catalog.snapshots().Get(p, snapshot_id));
  ARBOR_ASSIGN_OR_RETURN(std::string path, NormalizeSnapshotPath(request.path));
  if (path != "/") {
    // A path the snapshot does not hold is refused now (404), not by a failed job later.
    ARBOR_RETURN_IF_ERROR(SnapshotReader(ctx, p, snapshot_id).Stat(path).status());
  }
  if (request.in_place) return SubmitInPlace(ctx, p, record, path, request);
  std::string target_id = request.target_share_id.empty() ? record.share_id : request.target_share_id;
  ARBOR_ASSIGN_OR_RETURN(catalog::Share target, ShareById(ctx.catalog, p, target_id));
  if (target.tenant_id != record.tenant_id) return Status::NotFound("share " + target_id + " not found");
  std::string folder = request.folder.empty() ? DefaultRestoreFolder(record.id) : request.folder;
  if (folder[0] == '/') return Status::InvalidArgument("the restore folder is relative to the target share");
  // The same rules as a snapshot path: no "." or ".." components, no empty ones.
  ARBOR_ASSIGN_OR_RETURN(std::string inside, NormalizeSnapshotPath("/" + folder));

  job_handlers::RestorePayload payload;
  payload.snapshot = record.id;
  if (target.kind == catalog::ShareKind::kPosix) {
    payload.target = target.location + (inside == "/" ? "" : inside);
  } else {
    // An Azure Files share: the worker connects to it with its credential and writes
    // below its location's folder.
    payload.target = inside;
    payload.target_share_id = target.id;
  }
  if (path != "/") payload.includes = {path};
  payload.overwrite = request.overwrite;
  return EnqueueRestore(ctx, p, record, payload);
}

}  // namespace arbor::server
