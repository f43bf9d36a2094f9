// What the RESP server's databases hold, read from its metadata store while the server is
// stopped: `arbor prune` keeps these beside what snapshots reference (docs/resp.md,
// "Prune"), so that a blob a database answers BEXISTS 1 for is never deleted.
#pragma once

#include <string>

#include "base/status.h"
#include "repo/resp_marker.h"

namespace arbor::resp {

// Every blob and tree of every database in the LMDB environment in `data_dir` (the
// server's --resp-data). NotFound when there is none there. Blobs of databases on other
// storages are included: the caller keeps only those its repository's index names.
Result<RespHeld> ReadRespHeld(const std::string& data_dir);

}  // namespace arbor::resp
