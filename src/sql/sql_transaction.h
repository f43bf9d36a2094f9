// SqlTransaction: a write transaction held by a scope, for a single-threaded user of an
// SQLite database whose helpers run their statements through the database object itself
// (the Azure Files emulator's store, whose callers its own mutex serializes). It commits
// on Commit() and rolls back when it goes out of scope otherwise.
//
//   SqlTransaction tx(*db);
//   ARBOR_RETURN_IF_ERROR(tx.status());
//   ... db->Prepare(...), db->Query(...) ...
//   return tx.Commit();
//
// Statements of other threads on the same SqlDatabase would run inside it: users with
// several threads, and every Postgres user, use SqlDatabase::Transact instead (on
// Postgres, status() is Unsupported and nothing is begun).
#pragma once

#include "base/status.h"
#include "sql/sql_database.h"

namespace arbor::sql {

class SqlTransaction {
 public:
  explicit SqlTransaction(SqlDatabase& db);
  ~SqlTransaction();
  SqlTransaction(const SqlTransaction&) = delete;
  SqlTransaction& operator=(const SqlTransaction&) = delete;

  // Whether the transaction began (BEGIN IMMEDIATE: the write lock is held).
  Status status() const { return begun_; }
  Status Commit();

 private:
  SqlDatabase& db_;
  Status begun_;
  bool open_ = false;
};

}  // namespace arbor::sql
