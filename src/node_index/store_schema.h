// The node index's tables as a schema for the migration runner (sql/migrations.h), the one
// definition both stores open with. SQLite keeps an ordinary rowid table plus a unique
// index on (tree_id, dir_id, since): records average hundreds of bytes to a few KiB,
// which a rowid table keeps on its leaf pages where a WITHOUT ROWID table would spill
// them to overflow pages. Postgres keys the table by the same three columns.
//
// Step 1 creates the tables only if missing, so an index made before the runner (the
// same tables, no schema_version) is adopted as it is.
#pragma once

#include "sql/migrations.h"

namespace arbor::node_index {

sql::Schema NodeIndexSchema();

}  // namespace arbor::node_index
