#include <sqlite3.h>

#include "node_index/store_test_suite.h"
#include "support/postgres_instance.h"

namespace arbor::node_index {
namespace {

std::string TempDb() {
  static std::string dir = arbor::testing::MakeTempDir("arbor-index-sqlite");
  static int n = 0;
  return dir + "/t" + std::to_string(n++) + ".db";
}

std::string last_path;

StoreFactory Sqlite() {
  return StoreFactory{
      "Sqlite",
      [] {
        last_path = TempDb();
        auto s = OpenSqliteStore(last_path);
        EXPECT_TRUE(s.ok()) << s.status().ToString();
        return std::move(s).value();
      },
      [](int64_t tree_id, NodeId dir, const std::string& bytes) {
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open(last_path.c_str(), &db), SQLITE_OK);
        sqlite3_stmt* st = nullptr;
        ASSERT_EQ(sqlite3_prepare_v2(db, "UPDATE node_dirs SET record=?1 WHERE tree_id=?2 AND dir_id=?3", -1,
                                     &st, nullptr),
                  SQLITE_OK);
        sqlite3_bind_blob(st, 1, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 2, tree_id);
        sqlite3_bind_int64(st, 3, static_cast<int64_t>(dir));
        EXPECT_EQ(sqlite3_step(st), SQLITE_DONE);
        EXPECT_GT(sqlite3_changes(db), 0);
        sqlite3_finalize(st);
        sqlite3_close(db);
      }};
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreTest, ::testing::Values(Sqlite()), StoreName);

TEST(SqliteStoreTest, UnopenablePathIsAnError) {
  auto s = OpenSqliteStore("/nonexistent-dir/x/y.db");
  EXPECT_FALSE(s.ok());
}

}  // namespace
}  // namespace arbor::node_index
