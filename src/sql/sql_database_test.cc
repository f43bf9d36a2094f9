// Both engines through SqlDatabase against real databases: the same statements, the same
// Status codes, and no SQL text in any message.
#include "sql/sql_database.h"

#include <gtest/gtest.h>

#include "base/file_util.h"
#include "sql/sql_transaction.h"
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

// Bytes with a NUL, a 0xff and a backslash: what BLOB/BYTEA must carry unchanged.
const std::string kBytes = std::string("a\0b\xff\\x00", 7) + std::string(3000, '\x01');

// Prepared statements and BLOB/BYTEA values, the same on both engines.
void ExpectStatementsAndBlobs(SqlDatabase& db) {
  const char* blob = db.dialect() == SqlDialect::kPostgres ? "BYTEA" : "BLOB";
  ASSERT_TRUE(db.Query(std::string("CREATE TABLE b (k BIGINT PRIMARY KEY, v ") + blob + ")").ok());

  // One statement, bound and run many times inside a transaction.
  Status wrote = db.Transact([](SqlExecutor& tx) {
    ARBOR_ASSIGN_OR_RETURN(SqlStatement put, tx.Prepare("INSERT INTO b (k, v) VALUES ($1, $2)"));
    for (int64_t k = 1; k <= 3; ++k) {
      std::string value = kBytes + std::to_string(k);
      ARBOR_RETURN_IF_ERROR(put.Bind(1, k).BindBlob(2, value).Run());
      if (put.changes() != 1) return Status::Internal("changed " + std::to_string(put.changes()));
    }
    return Status::Ok();
  });
  ASSERT_TRUE(wrote.ok()) << wrote.ToString();

  // Read back by statement (parameters in any order of use) and by Query.
  auto get = db.Prepare("SELECT k, v FROM b WHERE k >= $1 AND v IS NOT NULL ORDER BY k");
  ASSERT_TRUE(get.ok()) << get.status().ToString();
  get->Bind(1, int64_t{2});
  std::vector<int64_t> keys;
  for (;;) {
    auto row = get->Step();
    ASSERT_TRUE(row.ok()) << row.status().ToString();
    if (!*row) break;
    keys.push_back(get->Int(0));
    EXPECT_EQ(get->Bytes(1), kBytes + std::to_string(get->Int(0)));
  }
  EXPECT_EQ(keys, (std::vector<int64_t>{2, 3}));
  auto rows = db.Query("SELECT v FROM b WHERE k = $1", {int64_t{1}});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(rows->Text(0, "v"), kBytes + "1");
  auto by_param = db.Query("SELECT count(*) AS n FROM b WHERE v = $1", {SqlBlob{kBytes + "3"}});
  ASSERT_TRUE(by_param.ok()) << by_param.status().ToString();
  EXPECT_EQ(by_param->Int(0, "n"), 1);

  // A failed execution ends it; the statement runs again with new values.
  auto put = db.Prepare("INSERT INTO b (k, v) VALUES ($1, $2)");
  ASSERT_TRUE(put.ok());
  Status dup = put->Bind(1, int64_t{1}).BindBlob(2, "x").Run();
  EXPECT_TRUE(dup.Is(StatusCode::kAlreadyExists)) << dup.ToString();
  // A temporary may be bound: the value is copied.
  Status again = put->Bind(1, int64_t{4}).BindBlob(2, std::string("y") + "z").Run();
  ASSERT_TRUE(again.ok()) << again.ToString();
  EXPECT_EQ(put->changes(), 1);
  EXPECT_EQ(db.Query("SELECT v FROM b WHERE k = 4")->Text(0, "v"), "yz");
}

TEST(SqlDatabaseTest, SqliteStatementsAndBlobs) {
  auto db = OpenSqliteDatabase(arbor::testing::MakeTempDir("arbor-sql") + "/t.db");
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  ExpectStatementsAndBlobs(**db);
}

TEST(SqlDatabaseTest, SqliteScopedTransactionCommitsOrRollsBack) {
  auto db = OpenSqliteDatabase(arbor::testing::MakeTempDir("arbor-sql") + "/t.db");
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  ASSERT_TRUE((*db)->Query("CREATE TABLE t (k BIGINT)").ok());
  {
    SqlTransaction tx(**db);
    ASSERT_TRUE(tx.status().ok()) << tx.status().ToString();
    ASSERT_TRUE((*db)->Query("INSERT INTO t VALUES (1)").ok());
  }  // no Commit: rolled back
  {
    SqlTransaction tx(**db);
    ASSERT_TRUE((*db)->Query("INSERT INTO t VALUES (2)").ok());
    ASSERT_TRUE(tx.Commit().ok());
  }
  auto rows = (*db)->Query("SELECT k FROM t");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->Int(0, "k"), 2);
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

int64_t PageSize(SqlDatabase& db) {
  auto rows = db.Query("SELECT page_size AS n FROM pragma_page_size");
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  return rows.ok() ? rows->Int(0, "n") : -1;
}

// A page size given at open applies to the file it creates (and to a 0-byte file opened as
// new); a file that exists keeps its own, and its data stays readable.
TEST(SqlDatabaseTest, SqlitePageSizeAppliesToNewFilesOnly) {
  std::string dir = arbor::testing::MakeTempDir("arbor-sql");
  {
    auto db = OpenSqliteDatabase(dir + "/new.db", EmptyFile::kRefuse, 0, 16384);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    EXPECT_EQ(PageSize(**db), 16384);
    ASSERT_TRUE((*db)->Query("CREATE TABLE t (v TEXT)").ok());
    ASSERT_TRUE((*db)->Query("INSERT INTO t VALUES ('kept')").ok());
  }
  {
    auto db = OpenSqliteDatabase(dir + "/new.db", EmptyFile::kRefuse, 0, 8192);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    EXPECT_EQ(PageSize(**db), 16384);
    auto rows = (*db)->Query("SELECT v FROM t");
    ASSERT_TRUE(rows.ok());
    EXPECT_EQ(rows->Text(0, "v"), "kept");
  }
  {
    auto db = OpenSqliteDatabase(dir + "/default.db");
    ASSERT_TRUE(db.ok());
    EXPECT_EQ(PageSize(**db), 4096);
  }
  ASSERT_TRUE(WriteFileAtomic(dir + "/empty.db", "").ok());
  auto db = OpenSqliteDatabase(dir + "/empty.db", EmptyFile::kOpenAsNew, 0, 16384);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  EXPECT_EQ(PageSize(**db), 16384);
}

TEST(SqlDatabaseTest, PostgresMapsErrorsWithoutSql) {
  auto pg = arbor::testing::PostgresInstance::Start();
  ASSERT_TRUE(pg.ok()) << pg.status().ToString();
  auto db = OpenPostgresDatabase((*pg)->ConnectionString());
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  ExpectMappedErrors(**db);
  ExpectStatementsAndBlobs(**db);
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
