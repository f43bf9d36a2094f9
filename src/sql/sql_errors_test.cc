// The one mapping of engine errors to Status codes, and what messages may show.
#include "sql/sql_errors.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <pqxx/pqxx>

namespace arbor::sql {
namespace {

TEST(SqlErrorsTest, SqliteCodes) {
  EXPECT_TRUE(FromSqlite(SQLITE_CONSTRAINT_UNIQUE, "UNIQUE constraint failed: t.a", "")
                  .Is(StatusCode::kAlreadyExists));
  EXPECT_TRUE(FromSqlite(SQLITE_CONSTRAINT_PRIMARYKEY, "m", "").Is(StatusCode::kAlreadyExists));
  EXPECT_TRUE(FromSqlite(SQLITE_CONSTRAINT_FOREIGNKEY, "m", "").Is(StatusCode::kInvalidArgument));
  EXPECT_TRUE(FromSqlite(SQLITE_CONSTRAINT_CHECK, "m", "").Is(StatusCode::kInvalidArgument));
  EXPECT_TRUE(FromSqlite(SQLITE_CONSTRAINT_NOTNULL, "m", "").Is(StatusCode::kInvalidArgument));
  EXPECT_TRUE(FromSqlite(SQLITE_BUSY, "database is locked", "").Is(StatusCode::kBusy));
  EXPECT_TRUE(FromSqlite(SQLITE_BUSY_SNAPSHOT, "m", "").Is(StatusCode::kBusy));
  EXPECT_TRUE(FromSqlite(SQLITE_LOCKED, "m", "").Is(StatusCode::kBusy));
  EXPECT_TRUE(FromSqlite(SQLITE_FULL, "database or disk is full", "").Is(StatusCode::kNoSpace));
  EXPECT_TRUE(FromSqlite(SQLITE_IOERR_WRITE, "disk I/O error", "").Is(StatusCode::kIOError));
  Status notadb = FromSqlite(SQLITE_NOTADB, "file is not a database", "open x.db");
  EXPECT_TRUE(notadb.Is(StatusCode::kCorruption));
  EXPECT_EQ(notadb.message(), "sqlite open x.db: file is not a database");
  EXPECT_TRUE(FromSqlite(SQLITE_CORRUPT, "database disk image is malformed", "").Is(StatusCode::kCorruption));
  EXPECT_EQ(FromSqlite(SQLITE_BUSY, "database is locked", "save").message(),
            "sqlite save: database is locked");
}

TEST(SqlErrorsTest, PostgresStates) {
  EXPECT_TRUE(FromSqlState("23505", "duplicate key", "").Is(StatusCode::kAlreadyExists));
  EXPECT_TRUE(FromSqlState("23503", "foreign key", "").Is(StatusCode::kInvalidArgument));
  EXPECT_TRUE(FromSqlState("23514", "check", "").Is(StatusCode::kInvalidArgument));
  for (const char* retry : {"40001", "40P01", "55P03", "57014", "57P01", "53300"}) {
    EXPECT_TRUE(FromSqlState(retry, "m", "").Is(StatusCode::kUnavailable)) << retry;
  }
  EXPECT_TRUE(FromSqlState("42P01", "relation does not exist", "").Is(StatusCode::kIOError));
}

// Postgres quotes the statement on the lines after the first; they never reach a message.
TEST(SqlErrorsTest, PostgresMessagesKeepTheFirstLineOnly) {
  pqxx::unique_violation e(
      "ERROR:  duplicate key value violates unique constraint \"t_pkey\"\n"
      "DETAIL:  Key (id)=(1) already exists.\n",
      "INSERT INTO t (id, secret) VALUES (1, 'hunter2')", "23505");
  Status st = FromPostgresException(e, "save");
  EXPECT_TRUE(st.Is(StatusCode::kAlreadyExists)) << st.ToString();
  EXPECT_EQ(st.message().find("INSERT"), std::string::npos) << st.message();
  EXPECT_EQ(st.message().find("hunter2"), std::string::npos) << st.message();
  EXPECT_EQ(st.message().find("DETAIL"), std::string::npos) << st.message();

  bool broken = false;
  Status lost = FromPostgresException(pqxx::broken_connection("server closed the connection"), "", &broken);
  EXPECT_TRUE(lost.Is(StatusCode::kUnavailable));
  EXPECT_TRUE(broken);
  EXPECT_TRUE(FromPostgresException(std::runtime_error("x"), "").Is(StatusCode::kIOError));
}

}  // namespace
}  // namespace arbor::sql
