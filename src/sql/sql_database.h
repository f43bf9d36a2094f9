// SqlDatabase: arbor's one SQL layer, the one place where SQLite and PostgreSQL differ.
//
// Users (the catalog, the job queue) write every query once, so the engines only have to
// agree on a small SQL dialect. Rules for SQL sent through here:
//   - parameters are written $1, $2, ... on both engines (SQLite binds "$N" by name);
//   - values are NULL, a 64-bit integer, text (JSON, hex; timestamps in ms are integers)
//     or bytes (SqlBlob: a BLOB column on SQLite, BYTEA on Postgres; "{BLOB}" in a
//     migration); there are no boolean columns;
//   - a parameter whose type Postgres cannot infer is written CAST($N AS TEXT);
//   - now_ms() is the database server's clock in milliseconds since the epoch (a SQL
//     function on Postgres, a registered function on SQLite), so leases are judged by one
//     clock however skewed the workers' clocks are.
// The only dialect-specific statements are the claim of the job queue (FOR UPDATE SKIP
// LOCKED exists only on Postgres) and column types in migrations; both ask dialect().
// Errors are mapped once, by sql_errors.h (no SQL text or password in a message), and
// SQLite connections wait kBusyTimeout for a lock.
//
// Thread safety: a SqlDatabase is one connection (plus, for SQLite, an optional pool of
// read-only connections: OpenSqliteDatabase). Its methods may be called from several
// threads; calls are serialized by an internal mutex, and a transaction holds the mutex
// from begin to commit. Open one SqlDatabase per thread for parallelism.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/status.h"
#include "sql/sql_statement.h"

namespace arbor::sql {

enum class SqlDialect { kSqlite, kPostgres };

// Bytes for a BLOB / BYTEA parameter (a std::string value binds as text).
struct SqlBlob {
  std::string bytes;
};

using SqlValue = std::variant<std::nullptr_t, int64_t, std::string, SqlBlob>;
using SqlParams = std::vector<SqlValue>;

// NULL for an empty string or an absent integer (optional columns).
inline SqlValue TextOrNull(const std::string& s) { return s.empty() ? SqlValue(nullptr) : SqlValue(s); }
inline SqlValue IntOrNull(const std::optional<int64_t>& v) { return v ? SqlValue(*v) : SqlValue(nullptr); }

// The rows of one statement, every cell as text (NULL is nullopt; a BLOB/BYTEA cell holds
// its bytes). Columns are found by name, so a query may list them in any order.
class SqlRows {
 public:
  SqlRows() = default;
  SqlRows(std::vector<std::string> columns, std::vector<std::vector<std::optional<std::string>>> rows,
          int64_t affected)
      : columns_(std::move(columns)), rows_(std::move(rows)), affected_(affected) {}

  size_t size() const { return rows_.size(); }
  bool empty() const { return rows_.empty(); }
  // Rows changed by an INSERT/UPDATE/DELETE without RETURNING.
  int64_t affected() const { return affected_; }

  bool IsNull(size_t row, std::string_view column) const;
  // Empty string for NULL.
  std::string Text(size_t row, std::string_view column) const;
  // 0 for NULL; asserts that the cell is an integer.
  int64_t Int(size_t row, std::string_view column) const;
  std::optional<int64_t> OptionalInt(size_t row, std::string_view column) const;
  // By position, for statements read by column number (SqlStatement).
  size_t column_count() const { return columns_.size(); }
  const std::optional<std::string>& CellAt(size_t row, size_t column) const { return rows_[row][column]; }

 private:
  const std::optional<std::string>& Cell(size_t row, std::string_view column) const;

  std::vector<std::string> columns_;
  std::vector<std::vector<std::optional<std::string>>> rows_;
  int64_t affected_ = 0;
};

// Runs statements on one connection, inside or outside a transaction.
class SqlExecutor {
 public:
  virtual ~SqlExecutor() = default;
  virtual SqlDialect dialect() const = 0;
  // One statement. Errors: AlreadyExists (unique key), InvalidArgument (foreign key or
  // check), Busy / Unavailable (lock timeout, lost connection: worth a retry), IOError.
  virtual Result<SqlRows> Query(std::string_view sql, const SqlParams& params = {}) = 0;
  // A statement to run many times with new parameters (sql_statement.h), for loops that
  // write or read many rows. It runs on this executor's connection without taking the
  // database's lock: use it from one thread, inside a Transact body (with that body's
  // executor) or where nothing else uses the database at the same time, and let it go
  // before the executor.
  virtual Result<SqlStatement> Prepare(std::string_view sql) = 0;
};

class SqlDatabase : public SqlExecutor {
 public:
  // Runs `body` in one write transaction (SQLite: BEGIN IMMEDIATE; Postgres: READ
  // COMMITTED). Commits when body returns OK, rolls back otherwise and returns body's
  // status. `body` must use the executor it is given, not this object (which is locked).
  virtual Status Transact(const std::function<Status(SqlExecutor&)>& body) = 0;
};

// What OpenSqliteDatabase does with a file of 0 bytes: refuse it (Corruption; a catalog,
// the only copy of its data, is never taken for a new one) or open it as a new, empty
// database (derived data such as the node index, rebuilt anyway).
enum class EmptyFile { kRefuse, kOpenAsNew };

// Opens one connection. `path` is a file for SQLite, created whole if missing (a file that
// is not a database is refused with Corruption and left untouched, and so is a 0-byte one
// unless `empty` says otherwise); `conninfo` is a libpq URL or key/value string for
// Postgres. Errors never contain a password.
//
// SQLite with `read_connections` > 0 adds a pool of at most that many read-only
// connections (opened when first needed, sql/connection_pool.h): a Query whose SQL is a
// SELECT or WITH that only reads, outside a transaction, runs on one of them, so several
// threads' queries run in parallel instead of queuing on the one connection; every other
// statement, Prepare and Transact stay on the one writer connection. WAL mode makes each
// query see every commit made before it began, the writer's included. Not for users of
// SqlTransaction (its reads would not see its own uncommitted writes).
//
// `page_size` (a power of two, 512-65536; 0: SQLite's default, 4096) applies to a database
// this call creates (or an empty one); an existing file keeps the page size it has.
Result<std::unique_ptr<SqlDatabase>> OpenSqliteDatabase(const std::string& path,
                                                        EmptyFile empty = EmptyFile::kRefuse,
                                                        size_t read_connections = 0, size_t page_size = 0);
Result<std::unique_ptr<SqlDatabase>> OpenPostgresDatabase(const std::string& conninfo);

}  // namespace arbor::sql
