// Migrations: the one way a schema in arbor changes, on SQLite and Postgres alike.
//
// A Schema is a name (the catalog, the job tables, the node index) and its ordered steps,
// numbered 1, 2, 3, ... Released steps are never edited: a change is a new step. The
// table schema_version holds one row per schema name with the last step applied, so
// several schemas can share one database (the catalog and the job tables do) and each
// moves on its own.
//
// Migrate() applies every step above the recorded version, each in its own transaction
// together with the new version number: a step that fails rolls back whole and leaves the
// version where it was, and the steps before it stay applied. Openers serialize on the
// transaction (SQLite: BEGIN IMMEDIATE; Postgres: an advisory lock taken first), and each
// transaction re-reads the version, so any number of processes may open and migrate one
// database at once and every step runs once. A database whose version is newer than the
// steps this build knows is refused with Unsupported ("... upgrade arbor"), untouched.
//
// Steps are usually DDL, written once for both engines with two tokens expanded per
// dialect: "{ID}" (an auto-incrementing 64-bit primary key) and "{BLOB}" (BLOB / BYTEA).
//
// Thread safety: pure functions over a SqlDatabase (which serializes its own calls).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "sql/sql_database.h"

namespace arbor::sql {

// One statement of a DDL step; `only` limits it to one engine (a Postgres function,
// storage parameters).
struct Ddl {
  std::string sql;
  std::optional<SqlDialect> only;
};

struct MigrationStep {
  int version = 0;
  std::string description;
  // Runs inside the step's transaction; must use the executor it is given.
  std::function<Status(SqlExecutor&)> apply;
};

// A step made of DDL statements run in order, tokens expanded (see above).
MigrationStep DdlStep(int version, std::string description, std::vector<Ddl> statements);

struct Schema {
  std::string name;
  // Versions 1..n in order, none missing.
  std::vector<MigrationStep> steps;
  // For a schema that existed before schema_version did: called, inside the first
  // transaction, when the database has no row for `name`; returns the version the
  // existing tables are at (0: none). Unset means 0.
  std::function<Result<int>(SqlExecutor&)> existing_version;
};

int LatestVersion(const Schema& schema);

// Applies the steps above the recorded version, up to `target` (0: the latest).
// Errors: Unsupported for a database newer than `schema` (nothing changed); a failing
// step's error, annotated with the schema, step and description (that step rolled back,
// the steps before it committed).
Status Migrate(SqlDatabase& db, const Schema& schema, int target = 0);

// The recorded version of `name`; 0 when the database has none.
Result<int> RecordedVersion(SqlExecutor& db, std::string_view name);

// Whether a table (or view) of this name exists in the connection's current schema.
Result<bool> TableExists(SqlExecutor& db, std::string_view table);

}  // namespace arbor::sql
