#include "catalog/schema.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "catalog/catalog.h"
#include "jobs/job_schema.h"
#include "support/test_catalogs.h"

namespace arbor::catalog {
namespace {

using testing::Engine;

const int kCatalogLatest = sql::LatestVersion(CatalogSchema());
const int kJobsLatest = sql::LatestVersion(jobs::JobSchema());

int Version(Catalog& c, const char* schema) { return sql::RecordedVersion(c.db(), schema).value(); }

int64_t Count(sql::SqlExecutor& db, const std::string& sql) {
  auto rows = db.Query(sql);
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  return rows.ok() ? rows->Int(0, "n") : -1;
}

bool IndexExists(sql::SqlExecutor& db, const std::string& name) {
  return Count(db, db.dialect() == sql::SqlDialect::kPostgres
                       ? "SELECT count(*) AS n FROM pg_indexes WHERE indexname = '" + name + "'"
                       : "SELECT count(*) AS n FROM sqlite_master WHERE name = '" + name + "'") == 1;
}

class SchemaTest : public ::testing::TestWithParam<Engine> {};

TEST_P(SchemaTest, OpenMigratesBothSchemasToTheLatestVersionOnce) {
  std::string url;
  auto catalog = testing::OpenFreshCatalog(GetParam(), &url);
  ASSERT_TRUE(catalog);
  EXPECT_EQ(Version(*catalog, "catalog"), kCatalogLatest);
  EXPECT_EQ(Version(*catalog, "jobs"), kJobsLatest);
  EXPECT_TRUE(IndexExists(catalog->db(), "jobs_held"));

  // Opening again, and migrating again by hand, changes nothing.
  auto again = testing::Reopen(url);
  ASSERT_TRUE(again);
  ASSERT_TRUE(MigrateCatalogDatabase(again->db()).ok());
  EXPECT_EQ(Version(*again, "catalog"), kCatalogLatest);
  EXPECT_EQ(Version(*again, "jobs"), kJobsLatest);
}

// A catalog made before the runner, at each combined version it could have: the same
// statements run by the runner up to that point, then the bookkeeping of that time
// (schema_migrations rows 1..L, no schema_version). The old migrations were the steps
// of today's two schemas one for one (catalog 1 = old 1, jobs k = old k + 1), so this is
// the database the old code left.
TEST_P(SchemaTest, CatalogsFromBeforeTheRunnerAreAdoptedAtTheirVersion) {
  for (int legacy : {1, 2, 3, 5}) {
    SCOPED_TRACE("schema_migrations at version " + std::to_string(legacy));
    auto url = testing::FreshCatalogUrl(GetParam()).value();
    {
      auto db =
          GetParam() == Engine::kPostgres ? sql::OpenPostgresDatabase(url) : sql::OpenSqliteDatabase(url);
      ASSERT_TRUE(db.ok()) << db.status().ToString();
      ASSERT_TRUE(sql::Migrate(**db, CatalogSchema(), 1).ok());
      if (legacy > 1) {
        ASSERT_TRUE(sql::Migrate(**db, jobs::JobSchema(), legacy - 1).ok());
      }
      ASSERT_TRUE((*db)->Query("DROP TABLE schema_version").ok());
      ASSERT_TRUE((*db)
                      ->Query("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, "
                              "description TEXT NOT NULL, applied_ms BIGINT NOT NULL)")
                      .ok());
      for (int v = 1; v <= legacy; ++v) {
        ASSERT_TRUE((*db)->Query("INSERT INTO schema_migrations VALUES ($1, 'old', 0)", {int64_t{v}}).ok());
      }
      ASSERT_TRUE(
          (*db)
              ->Query("INSERT INTO tenants (id, name, created_ms) VALUES ('00000000000000aa', 'early', 0)")
              .ok());
    }
    auto upgraded = testing::Reopen(url);
    ASSERT_TRUE(upgraded);
    EXPECT_EQ(Version(*upgraded, "catalog"), kCatalogLatest);
    EXPECT_EQ(Version(*upgraded, "jobs"), kJobsLatest);
    EXPECT_TRUE(upgraded->tenants().Find(Principal::Operator(), "early").ok());
    EXPECT_TRUE(IndexExists(upgraded->db(), "jobs_by_barrier"));
    EXPECT_TRUE(IndexExists(upgraded->db(), "jobs_held"));
    EXPECT_EQ(Count(upgraded->db(), "SELECT count(*) AS n FROM jobs"), 0);
  }
}

// Jobs step 5 (cron schedules) rebuilds the schedules table on SQLite and alters it on
// Postgres: a schedule made before it keeps every field, and the new constraint holds
// (an interval or a cron expression, never both, never neither).
TEST_P(SchemaTest, SchedulesFromBeforeCronKeepTheirIntervals) {
  auto url = testing::FreshCatalogUrl(GetParam()).value();
  {
    auto db = GetParam() == Engine::kPostgres ? sql::OpenPostgresDatabase(url) : sql::OpenSqliteDatabase(url);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ASSERT_TRUE(sql::Migrate(**db, CatalogSchema()).ok());
    ASSERT_TRUE(sql::Migrate(**db, jobs::JobSchema(), 4).ok());
    for (const char* insert : {
             "INSERT INTO tenants (id, name, created_ms) VALUES ('t1', 'early', 0)",
             "INSERT INTO shares (id, tenant_id, name, kind, location, created_ms) "
             "VALUES ('s1', 't1', 'home', 'posix', '/srv/home', 0)",
             "INSERT INTO schedules (id, tenant_id, share_id, type, every_ms, next_due_ms, payload, enabled, "
             "created_ms) VALUES ('c1', 't1', 's1', 'verify', 3600000, 5, '{\"x\":1}', 0, 1)",
         }) {
      auto done = (*db)->Query(insert);
      ASSERT_TRUE(done.ok()) << done.status().ToString();
    }
  }
  auto upgraded = testing::Reopen(url);
  ASSERT_TRUE(upgraded);
  EXPECT_EQ(Version(*upgraded, "jobs"), kJobsLatest);
  auto& db = upgraded->db();
  EXPECT_EQ(Count(db,
                  "SELECT count(*) AS n FROM schedules WHERE id = 'c1' AND tenant_id = 't1' AND "
                  "share_id = 's1' AND type = 'verify' AND every_ms = 3600000 AND cron IS NULL AND "
                  "next_due_ms = 5 AND payload = '{\"x\":1}' AND enabled = 0 AND created_ms = 1"),
            1);
  EXPECT_TRUE(IndexExists(db, "schedules_due"));
  auto insert = [&](const std::string& id, int64_t every_ms, const char* cron) {
    return db
        .Query(
            "INSERT INTO schedules (id, tenant_id, share_id, type, every_ms, cron, next_due_ms, payload, "
            "created_ms) VALUES ($1, 't1', 's1', 'backup', $2, $3, 0, '{}', 0)",
            {id, every_ms, cron ? sql::SqlValue(std::string(cron)) : sql::SqlValue(nullptr)})
        .status();
  };
  EXPECT_TRUE(insert("c2", 0, "0 2 * * *").ok());
  EXPECT_FALSE(insert("c3", 0, nullptr).ok());
  EXPECT_FALSE(insert("c4", 60000, "0 2 * * *").ok());
  EXPECT_EQ(Count(db, "SELECT count(*) AS n FROM schedules"), 2);
}

TEST_P(SchemaTest, ConcurrentOpensMigrateOnce) {
  auto url = testing::FreshCatalogUrl(GetParam()).value();
  constexpr int kOpeners = 4;
  std::vector<std::thread> threads;
  std::vector<Status> results(kOpeners);
  for (int i = 0; i < kOpeners; ++i) {
    threads.emplace_back([&, i] { results[i] = Catalog::Open(url).status(); });
  }
  for (auto& t : threads) t.join();
  for (const Status& st : results) EXPECT_TRUE(st.ok()) << st.ToString();
  auto catalog = testing::Reopen(url);
  ASSERT_TRUE(catalog);
  EXPECT_EQ(Version(*catalog, "catalog"), kCatalogLatest);
  EXPECT_EQ(Version(*catalog, "jobs"), kJobsLatest);
  EXPECT_EQ(Count(catalog->db(), "SELECT count(*) AS n FROM schema_migrations"), 1);  // the fence
}

TEST_P(SchemaTest, RefusesADatabaseFromANewerArbor) {
  for (const char* schema : {"catalog", "jobs"}) {
    std::string url;
    auto catalog = testing::OpenFreshCatalog(GetParam(), &url);
    ASSERT_TRUE(catalog);
    ASSERT_TRUE(catalog->db()
                    .Query("UPDATE schema_version SET version = 999 WHERE name = $1", {std::string(schema)})
                    .ok());
    auto reopened = Catalog::Open(url);
    EXPECT_TRUE(reopened.status().Is(StatusCode::kUnsupported)) << reopened.status().ToString();
    EXPECT_NE(reopened.status().message().find("upgrade arbor"), std::string::npos);
  }
}

// An arbor from before the runner reads MAX(version) of schema_migrations and refuses
// anything above 5 ("newer than this build of arbor knows"): the fence is what it sees.
TEST_P(SchemaTest, FencesOffArborFromBeforeTheRunner) {
  auto catalog = testing::OpenFreshCatalog(GetParam());
  ASSERT_TRUE(catalog);
  EXPECT_EQ(Count(catalog->db(), "SELECT MAX(version) AS n FROM schema_migrations"), 1000);
}

INSTANTIATE_TEST_SUITE_P(Engines, SchemaTest, ::testing::ValuesIn(testing::AllEngines()),
                         testing::EngineParamName);

// The real thing: a catalog file written by main's code before the runner (testdata/README.md).
TEST(SchemaFileTest, ACatalogMadeBeforeTheRunnerOpensWithItsRows) {
  std::string path = testing::ScratchDir() + "/old.db";
  std::filesystem::copy_file(ARBOR_CATALOG_TESTDATA "/catalog_before_schema_version.db", path);
  auto catalog = Catalog::Open(path, CatalogOptions{std::nullopt, false});
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  EXPECT_EQ(Version(**catalog, "catalog"), kCatalogLatest);
  EXPECT_EQ(Version(**catalog, "jobs"), kJobsLatest);
  auto tenant = (*catalog)->tenants().Find(Principal::Operator(), "acme");
  ASSERT_TRUE(tenant.ok()) << tenant.status().ToString();
  EXPECT_EQ(Count((*catalog)->db(), "SELECT count(*) AS n FROM shares WHERE name = 'docs'"), 1);
  EXPECT_EQ(Count((*catalog)->db(), "SELECT count(*) AS n FROM jobs WHERE state = 'queued'"), 1);
  EXPECT_EQ(Count((*catalog)->db(), "SELECT count(*) AS n FROM schedules"), 1);
  EXPECT_EQ(Count((*catalog)->db(), "SELECT MAX(version) AS n FROM schema_migrations"), 1000);
}

}  // namespace
}  // namespace arbor::catalog
