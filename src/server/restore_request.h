// A restore asked for from a snapshot (the API's POST /api/v1/snapshots/{id}/restore and
// the browser's restore form): one file or folder of the snapshot, restored by a worker
// back where it was (in place: over the snapshot's own paths in its share), or into a
// folder of the snapshot's own share or of another share (POSIX or Azure Files) of the
// same tenant.
//
// It becomes an ordinary restore job (job_handlers/restore_handler.h) of the snapshot's
// share (the only share whose repository the job may open), with the target directory
// `<target share's location>/<folder>`. The restore keeps the snapshot's paths below that
// directory (a share's backup records its absolute path), as `arbor restore --target`
// does; a worker writes only inside its tenant's POSIX shares or its restore roots, so
// this is also checked again where the files are written. An Azure Files target share is
// named in the job (the worker connects to it with the share's credential) and the
// target directory is the folder inside the share's location.
#pragma once

#include <string>

#include "base/status.h"
#include "catalog/principal.h"
#include "jobs/job.h"
#include "server/api_context.h"

namespace arbor::server {

struct RestoreRequest {
  std::string path;                      // the file or folder in the snapshot ("/" or "": everything)
  bool in_place = false;                 // back over its own path; no target share or folder then
  std::string target_share_id;           // "": the snapshot's own share
  std::string folder;                    // relative, inside the target share; "": arbor-restore-<snapshot>
  std::string overwrite = "if-changed";  // always, if-changed or never (RestorePayload)
};

// The folder a request without one restores into: "arbor-restore-<first 12 hex digits>".
std::string DefaultRestoreFolder(const std::string& snapshot_id);

// Enqueues the restore job. NotFound for a snapshot, path or target share `p` does not
// see, and for a target share of another tenant than the snapshot's (the operator sees
// both, but a restore never crosses tenants); InvalidArgument for an absolute folder or
// one with "..", or a bad overwrite policy; an in-place
// restore with a target share or folder, of an Azure Files share, or of a path outside
// the snapshot's share.
Result<jobs::Job> SubmitRestore(ApiContext& ctx, const catalog::Principal& p, const std::string& snapshot_id,
                                const RestoreRequest& request);

}  // namespace arbor::server
