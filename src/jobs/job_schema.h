// The job tables (jobs, schedules, workers) as a schema of their own, migrated by the
// runner in sql/migrations.h. They live in the catalog's database and refer to its
// tenants and shares, so Catalog::Open migrates them right after the catalog's own
// schema (catalog/schema.h); their DDL and its history are kept here, beside the code
// that reads and writes them.
//
// Steps 1-4 were catalog migrations 2-5 before each schema had its own version; their
// statements are unchanged, so a database made then adopts them as they are.
#pragma once

#include "sql/migrations.h"

namespace arbor::jobs {

// Schema "jobs". existing_version is left unset: the catalog, which owns the database and
// its older version table, sets it.
sql::Schema JobSchema();

}  // namespace arbor::jobs
