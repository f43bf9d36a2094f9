#include <sqlite3.h>

#include <chrono>
#include <thread>

#include "node_index/store_test_suite.h"
#include "sql/sql_errors.h"
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

// An index written before the migration runner: the same table and index, rows in it, no
// schema_version. It opens with its rows, and is recorded at version 1.
TEST(SqliteStoreTest, AnIndexMadeBeforeTheRunnerOpensWithItsRows) {
  std::string path = TempDb();
  {
    auto fresh = OpenSqliteStore(path);
    ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
    NodeTree tree = store_test::Sample();
    ASSERT_TRUE((*fresh)->Save(7, 1, &tree).ok());
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "DROP TABLE schema_version", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);

  auto store = OpenSqliteStore(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto loaded = (*store)->Load(7);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->tree.file_count(), store_test::Sample().file_count());
  EXPECT_GT(loaded->tree.file_count(), 0U);
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT version FROM schema_version WHERE name = 'node_index'", -1, &st,
                               nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), 1);
  sqlite3_finalize(st);
  sqlite3_close(db);
}

TEST(SqliteStoreTest, UnopenablePathIsAnError) {
  auto s = OpenSqliteStore("/nonexistent-dir/x/y.db");
  EXPECT_FALSE(s.ok());
}

// A save waits for another process's write lock as long as every SQLite user in arbor
// does (sql::kBusyTimeout, 30 s), not the 10 s this store used to give up after.
TEST(SqliteStoreTest, SaveWaitsOutAnotherWritersLockForTheCommonBusyTimeout) {
  std::string path = TempDb();
  auto store = OpenSqliteStore(path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  constexpr auto kHeld = std::chrono::seconds(12);
  static_assert(kHeld < sql::kBusyTimeout);
  std::thread holder([&] {
    std::this_thread::sleep_for(kHeld);
    EXPECT_EQ(sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  });
  NodeTree tree = store_test::Sample();
  auto start = std::chrono::steady_clock::now();
  Status saved = (*store)->Save(1, 1, &tree);
  holder.join();
  sqlite3_close(other);
  EXPECT_TRUE(saved.ok()) << saved.ToString();
  EXPECT_GE(std::chrono::steady_clock::now() - start, kHeld - std::chrono::seconds(1));
}

}  // namespace
}  // namespace arbor::node_index
