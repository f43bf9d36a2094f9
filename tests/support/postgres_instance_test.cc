#include "support/postgres_instance.h"

#include <gtest/gtest.h>
#include <pqxx/pqxx>

namespace arbor::testing {
namespace {

TEST(PostgresInstanceTest, StartsAcceptsQueriesAndStops) {
  auto pg = PostgresInstance::Start();
  ASSERT_TRUE(pg.ok()) << pg.status().ToString();
  pqxx::connection conn((*pg)->ConnectionString());
  pqxx::work tx(conn);
  EXPECT_EQ(tx.exec1("SELECT 40 + 2")[0].as<int>(), 42);
}

}  // namespace
}  // namespace arbor::testing
