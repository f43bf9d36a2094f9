#include "resp/held_objects.h"

#include "resp/database_registry.h"
#include "resp/keyspace.h"
#include "resp/lmdb_store.h"

namespace arbor::resp {

Result<RespHeld> ReadRespHeld(const std::string& data_dir) {
  ARBOR_ASSIGN_OR_RETURN(auto store, LmdbStore::OpenReadOnly(data_dir));
  ARBOR_ASSIGN_OR_RETURN(LmdbTxn txn, LmdbTxn::Begin(*store, nullptr, true));
  RespHeld held;
  DatabaseRegistry registry(txn);
  ARBOR_ASSIGN_OR_RETURN(held.store_id, registry.StoreId());
  ARBOR_RETURN_IF_ERROR(Keyspace::ForEachHeld(txn, [&](bool is_tree, std::string_view id) {
    (is_tree ? held.trees : held.blobs).push_back(Digest::FromBytes(id));
  }));
  return held;
}

}  // namespace arbor::resp
