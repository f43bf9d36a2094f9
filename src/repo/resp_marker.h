// The mark of a repository namespace the RESP server (arbor serve --resp) stores blobs
// in. Those blobs are referenced by the server's own metadata (LMDB, docs/resp.md), not
// by any snapshot, so a prune — which keeps only what snapshots reference — would
// delete acknowledged data. The server marks each namespace it serves before it writes
// to it, and prune refuses a marked namespace. The mark is an empty object named
// `{prefix}resp-data`: in an encrypted repository its name says that the server was
// used, nothing more.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "store/object_store.h"

namespace arbor {

std::string RespMarkerKey(std::string_view prefix);
// Idempotent.
Status MarkRespData(ObjectStore* store, std::string_view prefix);
Result<bool> HoldsRespData(ObjectStore* store, std::string_view prefix);

}  // namespace arbor
