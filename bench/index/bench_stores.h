// Store part of the index benchmark: save, size on disk and load, for SQLite and Postgres.
#pragma once

#include <string>

#include "node_index/node_tree.h"

namespace arbor::bench {

// Writes every record of `tree` to each store given (Export into an empty table), then
// loads it back. Empty path or connection string: that store is skipped.
void MeasureStores(const std::string& sqlite_path, const std::string& pg_conninfo,
                   const node_index::NodeTree& tree);

}  // namespace arbor::bench
