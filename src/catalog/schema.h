// The catalog's schema (docs/catalog.md describes the tables) and the migration of a
// catalog database as a whole.
//
// A catalog database holds two schemas, each versioned on its own by the runner in
// sql/migrations.h: "catalog" (tenants, repositories, shares, snapshots, API tokens;
// defined here) and "jobs" (jobs/job_schema.h). Catalogs made before the runner recorded
// one combined version in a table schema_migrations (1 = the catalog tables, 2-5 = the
// job tables' steps 1-4); they are adopted at that version, and step 2 of the catalog
// schema then records version 1000 there, so an arbor from before the runner refuses the
// database ("newer than this build") instead of running its own migrations on it.
#pragma once

#include "base/status.h"
#include "sql/migrations.h"

namespace arbor::catalog {

sql::Schema CatalogSchema();

// Migrates "catalog", then "jobs". Idempotent and safe with several openers at once.
// Errors: Unsupported for a database newer than this build (left untouched); a failing
// step's error.
Status MigrateCatalogDatabase(sql::SqlDatabase& db);

}  // namespace arbor::catalog
