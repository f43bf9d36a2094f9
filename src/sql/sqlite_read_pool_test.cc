// An SQLite database with read connections (OpenSqliteDatabase's read_connections): queries
// run beside the writer, see every commit made before them, and writes still reach the
// writer whatever their first word.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include "sql/sql_database.h"
#include "support/temp_dir.h"

namespace arbor::sql {
namespace {

std::unique_ptr<SqlDatabase> OpenWithReaders(size_t readers) {
  std::string dir = arbor::testing::MakeTempDir("arbor-read-pool");
  auto db = OpenSqliteDatabase(dir + "/db.sqlite", EmptyFile::kRefuse, readers);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  if (!db.ok()) return nullptr;
  EXPECT_TRUE((*db)->Query("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)").ok());
  return std::move(db).value();
}

int64_t Count(SqlDatabase& db) {
  auto rows = db.Query("SELECT COUNT(*) AS n FROM t");
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  return rows.ok() ? rows->Int(0, "n") : -1;
}

TEST(SqliteReadPoolTest, AQueryAfterACommitSeesIt) {
  auto db = OpenWithReaders(2);
  ASSERT_NE(db, nullptr);
  // The count's statement is compiled and kept by a read connection first: a kept
  // statement must not keep reading the data as of its first run.
  EXPECT_EQ(Count(*db), 0);
  ASSERT_TRUE(db->Query("INSERT INTO t (id, v) VALUES (1, 'a')").ok());
  EXPECT_EQ(Count(*db), 1);
  ASSERT_TRUE(db->Transact([](SqlExecutor& tx) {
                  return tx.Query("INSERT INTO t (id, v) VALUES (2, 'b')").status();
                }).ok());
  EXPECT_EQ(Count(*db), 2);
  // From other threads too, each after the writer's next commit.
  for (int64_t i = 3; i <= 20; ++i) {
    ASSERT_TRUE(db->Query("INSERT INTO t (id, v) VALUES ($1, 'c')", {i}).ok());
    auto seen = std::async(std::launch::async, [&] { return Count(*db); });
    EXPECT_EQ(seen.get(), i);
  }
}

TEST(SqliteReadPoolTest, WritesThatLookLikeQueriesStillWrite) {
  auto db = OpenWithReaders(2);
  ASSERT_NE(db, nullptr);
  // Starts with WITH but inserts: a read-only connection would refuse it.
  auto wrote = db->Query("WITH x AS (SELECT 5 AS id) INSERT INTO t (id, v) SELECT id, 'w' FROM x");
  ASSERT_TRUE(wrote.ok()) << wrote.status().ToString();
  EXPECT_EQ(Count(*db), 1);
  auto returned = db->Query("INSERT INTO t (id, v) VALUES (6, 'r') RETURNING id");
  ASSERT_TRUE(returned.ok()) << returned.status().ToString();
  EXPECT_EQ(returned->Int(0, "id"), 6);
  EXPECT_EQ(Count(*db), 2);
  // Errors keep their meaning on a read connection.
  Status bad = db->Query("SELECT nope FROM t").status();
  EXPECT_TRUE(bad.Is(StatusCode::kIOError)) << bad.ToString();
}

TEST(SqliteReadPoolTest, QueriesRunWhileTheWriterIsInATransaction) {
  auto db = OpenWithReaders(2);
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->Query("INSERT INTO t (id, v) VALUES (1, 'a')").ok());
  // The writer holds its connection (and its mutex) for the whole body; a query of
  // another thread must still answer, with the last committed data. With one connection
  // it would wait for the body, which waits for it: the 20 s limit below fails the test
  // (generous: a loaded CI machine answers within it; only a broken pool reaches it).
  // (The future outlives the body, so a reader stuck behind the writer ends after it
  // instead of blocking the body's return.)
  std::future_status waited = std::future_status::deferred;
  int64_t seen = -1;
  std::future<int64_t> reader;
  Status st = db->Transact([&](SqlExecutor& tx) {
    ARBOR_RETURN_IF_ERROR(tx.Query("INSERT INTO t (id, v) VALUES (2, 'uncommitted')").status());
    reader = std::async(std::launch::async, [&] { return Count(*db); });
    waited = reader.wait_for(std::chrono::seconds(20));
    if (waited == std::future_status::ready) seen = reader.get();
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(waited, std::future_status::ready);
  EXPECT_EQ(seen, 1);  // the uncommitted row is not visible
  EXPECT_EQ(Count(*db), 2);
}

}  // namespace
}  // namespace arbor::sql
