// Fresh, empty catalogs on either engine, for tests of arbor_catalog and arbor_jobs.
//
// Postgres: one real PostgreSQL 15 server per test binary (tests/support), started on
// first use and stopped at exit; every fresh catalog is a new database on it.
// SQLite: a new file in a temporary folder that is removed at exit.
//
// Suites run on both engines with
//   INSTANTIATE_TEST_SUITE_P(Engines, MyTest, ::testing::ValuesIn(AllEngines()), EngineParamName);
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "catalog/catalog.h"

namespace arbor::catalog::testing {

enum class Engine { kSqlite, kPostgres };

std::vector<Engine> AllEngines();
std::string EngineParamName(const ::testing::TestParamInfo<Engine>& info);

// The URL of a new, empty catalog database (not yet migrated).
Result<std::string> FreshCatalogUrl(Engine engine);

// A fresh catalog, migrated, with a generated credential key. Fails the test on error.
std::unique_ptr<Catalog> OpenFreshCatalog(Engine engine, std::string* url = nullptr,
                                          size_t read_connections = 0);

// Opens another connection to an existing catalog, with the same test key.
std::unique_ptr<Catalog> Reopen(const std::string& url, size_t read_connections = 0);

// A tenant named `name` with one posix share "home" at /srv/<name>. Fails the test on error.
struct SeededTenant {
  Tenant tenant;
  Share share;
  Principal principal() const { return Principal::ForTenant(tenant.id); }
};
SeededTenant SeedTenant(Catalog& catalog, const std::string& name);

// A scratch folder removed at exit.
std::string ScratchDir();

}  // namespace arbor::catalog::testing
