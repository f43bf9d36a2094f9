// Both engines through SqlDatabase against real databases: the same statements, the same
// Status codes, and no SQL text in any message.
#include "sql/sql_database.h"

#include <gtest/gtest.h>

#include "base/file_util.h"
#include "support/postgres_instance.h"
#include "support/temp_dir.h"

namespace arbor::sql {
namespace {

// The secret in the statement must never reach a message.
constexpr char kInsert[] = "INSERT INTO t (id, secret) VALUES ($1, 'hunter2')";

void ExpectMappedErrors(SqlDatabase& db) {
  ASSERT_TRUE(db.Query("CREATE TABLE t (id BIGINT PRIMARY KEY, secret TEXT NOT NULL)").ok());
  ASSERT_TRUE(db.Query(kInsert, {int64_t{1}}).ok());

  Status dup = db.Query(kInsert, {int64_t{1}}).status();
  EXPECT_TRUE(dup.Is(StatusCode::kAlreadyExists)) << dup.ToString();
  EXPECT_EQ(dup.message().find("INSERT"), std::string::npos) << dup.message();
  EXPECT_EQ(dup.message().find("hunter2"), std::string::npos) << dup.message();

  Status null = db.Query("INSERT INTO t (id, secret) VALUES (2, NULL)").status();
  EXPECT_TRUE(null.Is(StatusCode::kInvalidArgument)) << null.ToString();

  Status bad = db.Query("SELECT nope FROM t WHERE secret = 'hunter2'").status();
  EXPECT_TRUE(bad.Is(StatusCode::kIOError)) << bad.ToString();
  EXPECT_EQ(bad.message().find("hunter2"), std::string::npos) << bad.message();

  // A failed transaction body rolls back everything it did.
  Status body = db.Transact([](SqlExecutor& tx) {
    ARBOR_RETURN_IF_ERROR(tx.Query("INSERT INTO t (id, secret) VALUES (3, 'x')").status());
    return tx.Query(kInsert, {int64_t{1}}).status();
  });
  EXPECT_TRUE(body.Is(StatusCode::kAlreadyExists)) << body.ToString();
  auto rows = db.Query("SELECT count(*) AS n FROM t");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(rows->Int(0, "n"), 1);
}

TEST(SqlDatabaseTest, SqliteMapsErrorsWithoutSql) {
  auto db = OpenSqliteDatabase(arbor::testing::MakeTempDir("arbor-sql") + "/t.db");
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  ExpectMappedErrors(**db);
  EXPECT_EQ((*db)->dialect(), SqlDialect::kSqlite);
}

TEST(SqlDatabaseTest, SqliteRefusesAFileThatIsNotADatabaseAndLeavesIt) {
  std::string dir = arbor::testing::MakeTempDir("arbor-sql");
  for (const std::string& content : {std::string(), std::string(5000, 'x')}) {
    std::string path = dir + "/f" + std::to_string(content.size()) + ".db";
    ASSERT_TRUE(WriteFileAtomic(path, content).ok());
    auto db = OpenSqliteDatabase(path);
    ASSERT_FALSE(db.ok());
    EXPECT_TRUE(db.status().Is(StatusCode::kCorruption)) << db.status().ToString();
    EXPECT_EQ(db.status().message().find("PRAGMA"), std::string::npos) << db.status().message();
    EXPECT_EQ(*ReadWholeFile(path), content);
  }
}

TEST(SqlDatabaseTest, PostgresMapsErrorsWithoutSql) {
  auto pg = arbor::testing::PostgresInstance::Start();
  ASSERT_TRUE(pg.ok()) << pg.status().ToString();
  auto db = OpenPostgresDatabase((*pg)->ConnectionString());
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  ExpectMappedErrors(**db);
  EXPECT_EQ((*db)->dialect(), SqlDialect::kPostgres);
}

TEST(SqlDatabaseTest, PostgresConnectErrorShowsNoPassword) {
  auto db = OpenPostgresDatabase("postgresql://arbor:s3cret-pw@127.0.0.1:1/none?connect_timeout=2");
  ASSERT_FALSE(db.ok());
  EXPECT_TRUE(db.status().Is(StatusCode::kUnavailable)) << db.status().ToString();
  EXPECT_EQ(db.status().message().find("s3cret-pw"), std::string::npos) << db.status().message();
}

}  // namespace
}  // namespace arbor::sql
