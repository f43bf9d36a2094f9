#include "node_index/store_schema.h"

namespace arbor::node_index {

sql::Schema NodeIndexSchema() {
  const auto kSqlite = sql::SqlDialect::kSqlite;
  const auto kPostgres = sql::SqlDialect::kPostgres;
  sql::Schema schema{"node_index", {}, nullptr};
  schema.steps.push_back(sql::DdlStep(
      1, "directory records by tree, directory and version",
      {
          {"CREATE TABLE IF NOT EXISTS node_dirs(tree_id INTEGER NOT NULL, dir_id INTEGER NOT NULL,"
           " since INTEGER NOT NULL, until INTEGER NOT NULL, record BLOB NOT NULL)",
           kSqlite},
          {"CREATE UNIQUE INDEX IF NOT EXISTS node_dirs_key ON node_dirs(tree_id, dir_id, since)", kSqlite},
          {"CREATE TABLE IF NOT EXISTS arbor_node_dirs(tree_id bigint NOT NULL, dir_id bigint NOT NULL,"
           " since bigint NOT NULL, until bigint NOT NULL, record bytea NOT NULL,"
           " PRIMARY KEY (tree_id, dir_id, since))",
           kPostgres},
      }));
  return schema;
}

}  // namespace arbor::node_index
