// A share from a row with the shares table's columns (id, tenant_id, name, kind, location,
// credential, repository_id, created_ms), its credential replaced by its description
// (DescribeCredential): for queries that join shares with other tables, such as the
// server's share summaries. Defined with ShareStore (share_store.cc), which reads its own
// rows with it.
#pragma once

#include <cstddef>

#include "catalog/share_store.h"
#include "sql/sql_database.h"

namespace arbor::catalog {

Share ShareFromRow(const sql::SqlRows& rows, size_t i);

}  // namespace arbor::catalog
