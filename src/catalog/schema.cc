#include "catalog/schema.h"

#include <algorithm>

#include "jobs/job_schema.h"

namespace arbor::catalog {
namespace {

// The version schema_migrations recorded before the runner; 1000 is the fence written by
// catalog step 2, not a version.
constexpr int kFenceVersion = 1000;

Result<int> VersionBeforeTheRunner(sql::SqlExecutor& tx) {
  ARBOR_ASSIGN_OR_RETURN(bool exists, sql::TableExists(tx, "schema_migrations"));
  if (!exists) return 0;
  ARBOR_ASSIGN_OR_RETURN(sql::SqlRows rows,
                         tx.Query("SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations "
                                  "WHERE version < $1",
                                  {int64_t{kFenceVersion}}));
  return static_cast<int>(rows.Int(0, "v"));
}

}  // namespace

sql::Schema CatalogSchema() {
  sql::Schema schema{"catalog", {}, nullptr};
  schema.steps.push_back(sql::DdlStep(
      1, "tenants, repositories, shares, snapshots, api tokens",
      {
          {"CREATE OR REPLACE FUNCTION now_ms() RETURNS BIGINT LANGUAGE sql VOLATILE AS "
           "'SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint'",
           sql::SqlDialect::kPostgres},
          {"CREATE TABLE tenants (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_ms BIGINT NOT "
           "NULL)",
           {}},
          {"CREATE TABLE repositories (id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL REFERENCES tenants (id), "
           "name TEXT NOT NULL, url TEXT NOT NULL, credential TEXT, created_ms BIGINT NOT NULL, "
           "UNIQUE (tenant_id, name), UNIQUE (tenant_id, id))",
           {}},
          // (tenant_id, repository_id) -> repositories: a share can only use its own
          // tenant's repository, enforced by the database as well as by the code.
          {"CREATE TABLE shares (id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL REFERENCES tenants (id), "
           "name TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('posix', 'azure-files')), "
           "location TEXT NOT NULL, credential TEXT, repository_id TEXT, created_ms BIGINT NOT NULL, "
           "UNIQUE (tenant_id, name), UNIQUE (tenant_id, id), "
           "FOREIGN KEY (tenant_id, repository_id) REFERENCES repositories (tenant_id, id))",
           {}},
          {"CREATE TABLE snapshots (id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, share_id TEXT NOT NULL, "
           "time_ms BIGINT NOT NULL, job_id BIGINT, stats TEXT NOT NULL, created_ms BIGINT NOT NULL, "
           "FOREIGN KEY (tenant_id, share_id) REFERENCES shares (tenant_id, id))",
           {}},
          {"CREATE INDEX snapshots_by_share ON snapshots (tenant_id, share_id, time_ms)", {}},
          {"CREATE TABLE api_tokens (id TEXT PRIMARY KEY, tenant_id TEXT REFERENCES tenants (id), "
           "role TEXT NOT NULL CHECK (role IN ('tenant', 'operator')), name TEXT NOT NULL, "
           "hash TEXT NOT NULL UNIQUE, created_ms BIGINT NOT NULL, revoked_ms BIGINT, "
           "CHECK ((role = 'operator') = (tenant_id IS NULL)))",
           {}},
      }));
  // An arbor from before the runner reads MAX(version) of this table and refuses a
  // database whose version it does not know: the fence keeps it from creating tables
  // over this one's.
  schema.steps.push_back(sql::DdlStep(
      2, "fence off arbor builds from before schema_version",
      {
          {"CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
           "description TEXT NOT NULL, applied_ms BIGINT NOT NULL)",
           {}},
          {"INSERT INTO schema_migrations (version, description, applied_ms) SELECT " +
               std::to_string(kFenceVersion) +
               ", 'versions are kept in schema_version: this arbor is too old for this catalog', now_ms() "
               "WHERE NOT EXISTS (SELECT 1 FROM schema_migrations WHERE version = " +
               std::to_string(kFenceVersion) + ")",
           {}},
      }));
  // Each tenant's repository password (sealed like credentials, credential.h) and the
  // Argon2id cost of the key objects workers make with it (NULL: the defaults).
  schema.steps.push_back(
      sql::DdlStep(3, "tenants' repository passwords",
                   {
                       {"ALTER TABLE tenants ADD COLUMN repository_password TEXT", {}},
                       {"ALTER TABLE tenants ADD COLUMN repository_kdf_time_cost BIGINT", {}},
                       {"ALTER TABLE tenants ADD COLUMN repository_kdf_memory_kib BIGINT", {}},
                   }));
  schema.existing_version = [](sql::SqlExecutor& tx) -> Result<int> {
    ARBOR_ASSIGN_OR_RETURN(int before, VersionBeforeTheRunner(tx));
    return std::min(before, 1);
  };
  return schema;
}

Status MigrateCatalogDatabase(sql::SqlDatabase& db) {
  ARBOR_RETURN_IF_ERROR(sql::Migrate(db, CatalogSchema()));
  sql::Schema job_tables = jobs::JobSchema();
  job_tables.existing_version = [](sql::SqlExecutor& tx) -> Result<int> {
    ARBOR_ASSIGN_OR_RETURN(int before, VersionBeforeTheRunner(tx));
    return std::max(before - 1, 0);
  };
  return sql::Migrate(db, job_tables);
}

}  // namespace arbor::catalog
