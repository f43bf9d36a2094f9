// SqlStore: the half of an IndexStore that the SQLite and Postgres stores share, now that
// both run on a SqlDatabase: Save and Export as one transaction that first checks that
// versions only go forward, counters rolled back with a failed save, DropTree. Each store
// says how it writes a save's rows (SQLite: one prepared statement per row; Postgres:
// batches) and how it loads. Internal to arbor_node_index.
#pragma once

#include <memory>
#include <string>

#include "node_index/index_store.h"
#include "node_index/store_changes.h"
#include "sql/sql_database.h"

namespace arbor::node_index {

class SqlStore : public IndexStore {
 public:
  // `table` is the store's table (store_schema.h).
  SqlStore(std::unique_ptr<sql::SqlDatabase> db, std::string table);

  Status Save(int64_t tree_id, int64_t version, NodeTree* tree) final;
  Status Export(int64_t tree_id, int64_t version, const NodeTree& tree) final;
  Status DropTree(int64_t tree_id) final;
  StoreCounters counters() const final { return counters_; }

 protected:
  // Writes `ch` as version `version` inside the save's transaction, counting what it
  // wrote and retired in counters_.
  virtual Status Write(sql::SqlExecutor& tx, int64_t tree_id, int64_t version, const PendingChanges& ch) = 0;

  sql::SqlDatabase& db() { return *db_; }
  const std::string& table() const { return table_; }
  StoreCounters counters_;

 private:
  Status Commit(int64_t tree_id, int64_t version, const PendingChanges& ch);

  std::unique_ptr<sql::SqlDatabase> db_;
  const std::string table_;
};

}  // namespace arbor::node_index
