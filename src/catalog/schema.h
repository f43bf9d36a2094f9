// The catalog schema and its versioned migrations (docs/catalog.md describes the tables).
//
// Migrations are numbered from 1 and never edited once released: a change is a new
// migration. MigrateSchema applies, in one transaction, every migration newer than the
// version recorded in schema_migrations. It is idempotent and safe when several processes
// open the catalog at once (Postgres: an advisory lock; SQLite: BEGIN IMMEDIATE), so every
// `arbor worker` can run it on start.
#pragma once

#include "base/status.h"
#include "sql/sql_database.h"

namespace arbor::catalog {

int LatestSchemaVersion();

// Brings the schema up to `target_version` (default: the latest). Refuses (Unsupported)
// a database whose version is newer than this build knows.
Status MigrateSchema(sql::SqlDatabase& db, int target_version = 0);

// 0 for an empty database.
Result<int> SchemaVersion(sql::SqlExecutor& db);

}  // namespace arbor::catalog
