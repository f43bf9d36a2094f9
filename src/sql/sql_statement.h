// SqlStatement: a prepared statement run many times, for the loops that write or read many
// rows (the node index, the Azure Files emulator's metadata). Made by SqlExecutor::Prepare
// (sql_database.h); parameters are $1, $2, ... as everywhere in src/sql.
//
//   ARBOR_ASSIGN_OR_RETURN(SqlStatement put, tx.Prepare("INSERT INTO t (k, v) VALUES ($1, $2)"));
//   for (const auto& [k, v] : rows) {
//     ARBOR_RETURN_IF_ERROR(put.Bind(1, k).BindBlob(2, v).Run());
//   }
//
// Run() (or Step() to the last row) ends one execution and clears the bindings, so the
// next Bind starts the next execution. Bound values are copied (a temporary may be
// bound); column views stay valid until the next Step.
// SQLite keeps the compiled statement on its connection, keyed by the SQL text, and
// runs it with no copy of the values; Postgres runs each execution as one prepared query
// (sql_database.h) and steps through its result. One handle per SQL text at a time.
// Not thread-safe (SqlExecutor::Prepare says where a statement may run).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

namespace arbor::sql {

// What an engine implements (sqlite_database.cc; sql_statement.cc over Query for
// Postgres). Columns are numbered from 0, parameters from 1.
class StatementImpl {
 public:
  virtual ~StatementImpl() = default;
  virtual void BindInt(int n, int64_t value) = 0;
  virtual void BindText(int n, std::string_view value) = 0;
  virtual void BindBlob(int n, std::string_view bytes) = 0;
  virtual void BindNull(int n) = 0;
  virtual Result<bool> Step() = 0;
  virtual bool IsNull(int column) const = 0;
  virtual int64_t Int(int column) const = 0;
  virtual std::string_view Bytes(int column) const = 0;
  virtual int64_t changes() const = 0;
  // Ends the execution and clears the bindings.
  virtual void Reset() = 0;
};

class SqlStatement {
 public:
  // `owned` for a statement of its own; `borrowed` for one kept by its connection (reset
  // when this handle goes).
  static SqlStatement Owning(std::unique_ptr<StatementImpl> owned);
  static SqlStatement Borrowing(StatementImpl* borrowed);

  SqlStatement(SqlStatement&& other) noexcept;
  SqlStatement& operator=(SqlStatement&&) = delete;
  SqlStatement(const SqlStatement&) = delete;
  SqlStatement& operator=(const SqlStatement&) = delete;
  ~SqlStatement();

  SqlStatement& Bind(int n, int64_t value) {
    impl_->BindInt(n, value);
    return *this;
  }
  SqlStatement& Bind(int n, std::string_view text) {
    impl_->BindText(n, text);
    return *this;
  }
  SqlStatement& BindBlob(int n, std::string_view bytes) {
    impl_->BindBlob(n, bytes);
    return *this;
  }
  SqlStatement& BindNull(int n) {
    impl_->BindNull(n);
    return *this;
  }

  // true: a row is ready; false: the execution is over (bindings cleared). An error also
  // ends the execution.
  Result<bool> Step();
  // Runs to the end (INSERT, UPDATE, DELETE).
  Status Run();
  // Rows changed by the last execution that ran to its end.
  int64_t changes() const { return impl_->changes(); }

  bool IsNull(int column) const { return impl_->IsNull(column); }
  int64_t Int(int column) const { return impl_->Int(column); }
  std::string_view Bytes(int column) const { return impl_->Bytes(column); }
  std::string Text(int column) const { return std::string(impl_->Bytes(column)); }

 private:
  SqlStatement(StatementImpl* impl, std::unique_ptr<StatementImpl> owned)
      : impl_(impl), owned_(std::move(owned)) {}
  StatementImpl* impl_;
  std::unique_ptr<StatementImpl> owned_;
};

class SqlExecutor;
// A statement for an engine without its own: each execution is one Query on `exec`.
std::unique_ptr<StatementImpl> QueryBackedStatement(SqlExecutor& exec, std::string sql);

}  // namespace arbor::sql
