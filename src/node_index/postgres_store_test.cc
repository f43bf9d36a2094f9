#include <pqxx/pqxx>

#include "node_index/store_test_suite.h"
#include "support/postgres_instance.h"

namespace arbor::node_index {
namespace {

// One server for the whole binary (about a second to start); one database per test.
arbor::testing::PostgresInstance& Server() {
  static auto pg = arbor::testing::PostgresInstance::Start();
  if (!pg.ok()) {
    ADD_FAILURE() << pg.status().ToString();
    std::abort();
  }
  return **pg;
}

std::string current_db;

StoreFactory Postgres() {
  return StoreFactory{"Postgres",
                      [] {
                        static int n = 0;
                        current_db = "idx" + std::to_string(n++);
                        EXPECT_TRUE(Server().Psql("CREATE DATABASE " + current_db).ok());
                        auto s = OpenPostgresStore(Server().ConnectionString(current_db));
                        EXPECT_TRUE(s.ok()) << s.status().ToString();
                        return std::move(s).value();
                      },
                      [](int64_t tree_id, NodeId dir, const std::string& bytes) {
                        pqxx::connection c(Server().ConnectionString(current_db));
                        pqxx::work w(c);
                        pqxx::result r = w.exec(
                            "UPDATE arbor_node_dirs SET record=" +
                            w.quote_raw(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()) +
                            " WHERE tree_id=" + std::to_string(tree_id) +
                            " AND dir_id=" + std::to_string(static_cast<int64_t>(dir)));
                        EXPECT_GT(r.affected_rows(), 0u);
                        w.commit();
                      }};
}

INSTANTIATE_TEST_SUITE_P(Postgres, StoreTest, ::testing::Values(Postgres()), StoreName);

TEST(PostgresStoreTest, UnreachableServerIsUnavailable) {
  auto s = OpenPostgresStore("host=127.0.0.1 port=" + std::to_string(arbor::testing::FreeLoopbackPort()) +
                             " user=postgres dbname=postgres connect_timeout=2");
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.status().Is(StatusCode::kUnavailable)) << s.status().ToString();
}

}  // namespace
}  // namespace arbor::node_index
