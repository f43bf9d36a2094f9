#include "catalog/schema.h"

#include <gtest/gtest.h>

#include <thread>

#include "catalog/catalog.h"
#include "support/test_catalogs.h"

namespace arbor::catalog {
namespace {

using testing::Engine;

class SchemaTest : public ::testing::TestWithParam<Engine> {};

int64_t MigrationRows(Catalog& c) {
  return c.db().Query("SELECT count(*) AS n FROM schema_migrations").value().Int(0, "n");
}

TEST_P(SchemaTest, OpenMigratesToTheLatestVersionOnce) {
  std::string url;
  auto catalog = testing::OpenFreshCatalog(GetParam(), &url);
  ASSERT_TRUE(catalog);
  EXPECT_EQ(SchemaVersion(catalog->db()).value(), LatestSchemaVersion());
  EXPECT_EQ(MigrationRows(*catalog), LatestSchemaVersion());

  // Opening again, and migrating again by hand, changes nothing.
  auto again = testing::Reopen(url);
  ASSERT_TRUE(again);
  ASSERT_TRUE(MigrateSchema(again->db()).ok());
  EXPECT_EQ(SchemaVersion(again->db()).value(), LatestSchemaVersion());
  EXPECT_EQ(MigrationRows(*again), LatestSchemaVersion());
}

TEST_P(SchemaTest, UpgradeKeepsData) {
  auto url = testing::FreshCatalogUrl(GetParam()).value();
  CatalogOptions v1;
  v1.schema_version = 1;
  v1.key_from_environment = false;
  auto old = Catalog::Open(url, std::move(v1));
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  EXPECT_EQ(SchemaVersion((*old)->db()).value(), 1);
  ASSERT_TRUE((*old)->tenants().Add(Principal::Operator(), "early").ok());
  EXPECT_FALSE((*old)->db().Query("SELECT count(*) AS n FROM jobs").ok());

  auto upgraded = testing::Reopen(url);
  ASSERT_TRUE(upgraded);
  EXPECT_EQ(SchemaVersion(upgraded->db()).value(), LatestSchemaVersion());
  EXPECT_TRUE(upgraded->tenants().Find(Principal::Operator(), "early").ok());
  EXPECT_TRUE(upgraded->db().Query("SELECT count(*) AS n FROM jobs").ok());
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
  EXPECT_EQ(MigrationRows(*catalog), LatestSchemaVersion());
}

TEST_P(SchemaTest, RefusesADatabaseFromANewerArbor) {
  std::string url;
  auto catalog = testing::OpenFreshCatalog(GetParam(), &url);
  ASSERT_TRUE(catalog);
  ASSERT_TRUE(
      catalog->db()
          .Query("INSERT INTO schema_migrations (version, description, applied_ms) VALUES (999, 'future', 0)")
          .ok());
  auto reopened = Catalog::Open(url);
  EXPECT_TRUE(reopened.status().Is(StatusCode::kUnsupported)) << reopened.status().ToString();
}

INSTANTIATE_TEST_SUITE_P(Engines, SchemaTest, ::testing::ValuesIn(testing::AllEngines()),
                         testing::EngineParamName);

}  // namespace
}  // namespace arbor::catalog
