// The mark of a repository namespace the RESP server (arbor serve --resp) stores blobs
// in. Those blobs are referenced by the server's own metadata (LMDB, docs/resp.md), and
// only some of them by snapshots (SNAP.COMMIT), so a prune that kept only what
// snapshots reference would delete acknowledged data. The server marks each namespace
// it serves before it writes to it, and prune of a marked namespace also keeps what the
// RESP databases hold (RespHeld, read from the server's metadata) or, when it cannot
// read that, refuses. The mark is two empty objects: `{prefix}resp-data` (RESP data is
// here) and `{prefix}resp-stores/<store id>` naming the metadata store that holds it, so
// that prune can refuse when the metadata it reads is not that store (another server's,
// or a wrong --resp-data). In an encrypted repository their names say that a server was
// used and a random id, nothing more.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "hash/sha256.h"
#include "store/object_store.h"

namespace arbor {

std::string RespMarkerKey(std::string_view prefix);
// Marks `prefix` as holding blobs of the metadata store `store_id`. Idempotent.
Status MarkRespData(ObjectStore* store, std::string_view prefix, std::string_view store_id);
Result<bool> HoldsRespData(ObjectStore* store, std::string_view prefix);
// The ids of the metadata stores that marked `prefix` (empty when only a server from
// before the ids marked it).
Result<std::vector<std::string>> RespDataStores(ObjectStore* store, std::string_view prefix);

// What the RESP databases hold (resp/held_objects.h), by repository id: every blob BPUT
// stored, and every directory object TREE.PUT stored (prune walks these like a
// snapshot's root). It may name objects of other repositories the server also serves.
struct RespHeld {
  std::string store_id;  // the metadata store read (empty: it has no id yet)
  std::vector<Digest> blobs;
  std::vector<Digest> trees;
};

}  // namespace arbor
