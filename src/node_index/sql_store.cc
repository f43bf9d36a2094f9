#include "node_index/sql_store.h"

namespace arbor::node_index {

SqlStore::SqlStore(std::unique_ptr<sql::SqlDatabase> db, std::string table)
    : db_(std::move(db)), table_(std::move(table)) {}

Status SqlStore::Save(int64_t tree_id, int64_t version, NodeTree* tree) {
  ARBOR_RETURN_IF_ERROR(Commit(tree_id, version, CollectChanges(*tree)));
  MarkSaved(tree);
  return Status::Ok();
}

Status SqlStore::Export(int64_t tree_id, int64_t version, const NodeTree& tree) {
  return Commit(tree_id, version, CollectAll(tree));
}

Status SqlStore::DropTree(int64_t tree_id) {
  return db_->Query("DELETE FROM " + table_ + " WHERE tree_id=$1", {tree_id}).status().Annotate("drop tree");
}

Status SqlStore::Commit(int64_t tree_id, int64_t version, const PendingChanges& ch) {
  StoreCounters before = counters_;
  Status st = db_->Transact([&](sql::SqlExecutor& tx) -> Status {
    // Versions only go forward: an older version written over newer rows would leave two
    // rows valid at once.
    ARBOR_ASSIGN_OR_RETURN(
        sql::SqlRows last,
        tx.Query("SELECT max(since) AS v FROM " + table_ + " WHERE tree_id=$1", {tree_id}));
    if (!last.IsNull(0, "v") && last.Int(0, "v") > version) {
      return Status::InvalidArgument("tree " + std::to_string(tree_id) + " already has a version after " +
                                     std::to_string(version));
    }
    return Write(tx, tree_id, version, ch);
  });
  if (!st.ok()) {
    counters_ = before;
    return st;
  }
  counters_.saves++;
  return Status::Ok();
}

}  // namespace arbor::node_index
