#include "sql/sql_transaction.h"

namespace arbor::sql {

SqlTransaction::SqlTransaction(SqlDatabase& db) : db_(db) {
  if (db.dialect() != SqlDialect::kSqlite) {
    begun_ = Status::Unsupported("a scoped transaction is for SQLite; use SqlDatabase::Transact");
    return;
  }
  begun_ = db.Query("BEGIN IMMEDIATE").status();
  open_ = begun_.ok();
}

SqlTransaction::~SqlTransaction() {
  if (open_) (void)db_.Query("ROLLBACK");
}

Status SqlTransaction::Commit() {
  if (!begun_.ok()) return begun_;
  if (!open_) return Status::Internal("transaction already committed");
  Status st = db_.Query("COMMIT").status();
  if (st.ok()) open_ = false;  // else the destructor rolls back
  return st;
}

}  // namespace arbor::sql
