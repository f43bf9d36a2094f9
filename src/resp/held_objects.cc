#include "resp/held_objects.h"

#include "resp/database_registry.h"
#include "resp/keyspace.h"
#include "resp/lmdb_store.h"
#include "resp/redo_log.h"

namespace arbor::resp {

Result<RespHeld> ReadRespHeld(const std::string& data_dir) {
  ARBOR_ASSIGN_OR_RETURN(auto store, LmdbStore::OpenReadOnly(data_dir));
  ARBOR_ASSIGN_OR_RETURN(LmdbTxn txn, LmdbTxn::Begin(*store, nullptr, true));
  RespHeld held;
  DatabaseRegistry registry(txn);
  ARBOR_ASSIGN_OR_RETURN(held.store_id, registry.StoreId());
  ARBOR_ASSIGN_OR_RETURN(uint64_t applied, registry.AppliedSequence());
  auto add = [&](bool is_tree, std::string_view id) {
    (is_tree ? held.trees : held.blobs).push_back(Digest::FromBytes(id));
  };
  ARBOR_RETURN_IF_ERROR(Keyspace::ForEachHeld(txn, add));
  // Groups logged after the last checkpoint (a server killed since): this read-only view
  // cannot replay them, so every blob or tree they put is kept too (a superset: one they
  // dropped again stays until the next prune after a checkpoint).
  ARBOR_RETURN_IF_ERROR(
      RedoLog::Read(RedoLog::PathIn(data_dir), applied, [&](uint64_t, std::string_view body, uint64_t) {
        return ForEachRedoPut(body, [&](std::string_view key, std::string_view value) {
          Keyspace::VisitHeld(key, value, add);
        });
      }));
  return held;
}

}  // namespace arbor::resp
