// Catalog: arbor's database of tenants, shares, repositories, snapshots, API tokens, and
// (through arbor_jobs) the job queue, schedules and workers.
//
// One SQL text, two engines: SQLite for the embedded default (a file, no server) and
// PostgreSQL for a fleet of workers. Open() takes the URL a user gives (catalog_url.h),
// connects and brings both schemas (the catalog's and the job tables') up to date
// (schema.h) before returning.
//
//   ARBOR_ASSIGN_OR_RETURN(auto catalog, Catalog::Open("postgres://arbor@db/arbor"));
//   auto who = Principal::Operator();
//   ARBOR_ASSIGN_OR_RETURN(Tenant t, catalog->tenants().Add(who, "acme"));
//
// Every store method takes a Principal and scopes its queries by it (principal.h).
//
// Ownership and threads: a Catalog owns one database connection and the stores over it.
// It may be shared by threads (calls are serialized on the connection, except SQLite
// queries when options.read_connections is set); open one Catalog per thread when they
// must run in parallel (each is one Postgres connection).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "catalog/catalog_url.h"
#include "catalog/repository_store.h"
#include "catalog/secret_box.h"
#include "catalog/share_store.h"
#include "catalog/snapshot_store.h"
#include "catalog/tenant_store.h"
#include "catalog/token_store.h"
#include "sql/sql_database.h"

namespace arbor::catalog {

struct CatalogOptions {
  // The key that seals and opens credentials. When absent and key_from_environment is
  // set, ARBOR_CATALOG_KEY / ARBOR_CATALOG_KEY_FILE are read; without any key the catalog
  // still works, but inline credentials can be neither stored nor read.
  std::optional<SecretKey> key;
  bool key_from_environment = true;
  // SQLite only: at most this many read-only connections for queries, so several threads
  // (the server's) read in parallel (sql_database.h, OpenSqliteDatabase); 0: one
  // connection. Postgres catalogs ignore it (one connection, as before).
  size_t read_connections = 0;
};

class Catalog {
 public:
  static Result<std::unique_ptr<Catalog>> Open(std::string_view url, CatalogOptions options = {});
  ~Catalog();
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  TenantStore& tenants() { return tenants_; }
  ShareStore& shares() { return shares_; }
  RepositoryStore& repositories() { return repositories_; }
  SnapshotStore& snapshots() { return snapshots_; }
  TokenStore& tokens() { return tokens_; }

  // The connection, for arbor_jobs (which keeps its tables in this catalog) and tests.
  sql::SqlDatabase& db() { return *db_; }
  CatalogEngine engine() const { return engine_; }
  // The URL it was opened with, password hidden.
  const std::string& url() const { return redacted_url_; }
  bool has_key() const { return key_.has_value(); }

 private:
  Catalog(std::unique_ptr<sql::SqlDatabase> db, CatalogEngine engine, std::string redacted_url,
          std::optional<SecretKey> key);

  std::unique_ptr<sql::SqlDatabase> db_;
  const CatalogEngine engine_;
  const std::string redacted_url_;
  const std::optional<SecretKey> key_;
  TenantStore tenants_;
  ShareStore shares_;
  RepositoryStore repositories_;
  SnapshotStore snapshots_;
  TokenStore tokens_;
};

}  // namespace arbor::catalog
