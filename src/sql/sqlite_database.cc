// The SQLite engine: one sqlite3 connection in WAL mode, so readers never block the
// writer and several processes (the CLI, `arbor worker`s on one machine) share one file.
// Errors are mapped by sql_errors.h; messages name the operation, never the SQL.
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "sql/connection_pool.h"
#include "sql/sql_database.h"
#include "sql/sql_errors.h"

namespace arbor::sql {
namespace {

// What a failed call on `db` means. The caller names the operation (Annotate); the SQL
// text is never part of the message.
Status SqliteError(sqlite3* db, int rc, std::string_view what) {
  return FromSqlite(rc, db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc), what);
}

// now_ms(): wall clock in milliseconds, the same meaning as the Postgres function.
void NowMs(sqlite3_context* ctx, int, sqlite3_value**) {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  sqlite3_result_int64(ctx, std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
}

class StatementGuard {
 public:
  explicit StatementGuard(sqlite3_stmt* s) : s_(s) {}
  ~StatementGuard() { sqlite3_finalize(s_); }
  StatementGuard(const StatementGuard&) = delete;
  StatementGuard& operator=(const StatementGuard&) = delete;

 private:
  sqlite3_stmt* s_;
};

Status Bind(sqlite3* db, sqlite3_stmt* stmt, const SqlParams& params) {
  for (size_t i = 0; i < params.size(); ++i) {
    std::string name = "$" + std::to_string(i + 1);
    int idx = sqlite3_bind_parameter_index(stmt, name.c_str());
    if (idx == 0) continue;  // a parameter the statement does not use
    int rc = SQLITE_OK;
    if (const auto* n = std::get_if<int64_t>(&params[i])) {
      rc = sqlite3_bind_int64(stmt, idx, *n);
    } else if (const auto* s = std::get_if<std::string>(&params[i])) {
      rc = sqlite3_bind_text(stmt, idx, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
    } else if (const auto* b = std::get_if<SqlBlob>(&params[i])) {
      rc = sqlite3_bind_blob64(stmt, idx, b->bytes.data(), b->bytes.size(), SQLITE_TRANSIENT);
    } else {
      rc = sqlite3_bind_null(stmt, idx);
    }
    if (rc != SQLITE_OK) return SqliteError(db, rc, "bind");
  }
  return Status::Ok();
}

// A compiled statement kept by its connection. Values are copied when bound
// (SQLITE_TRANSIENT): a record's memcpy is nothing beside its B-tree insert, and callers
// may bind temporaries.
class SqliteStatement final : public StatementImpl {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {
    // "$N" (or "?N") -> SQLite's own parameter index.
    for (int i = 1; i <= sqlite3_bind_parameter_count(stmt); ++i) {
      const char* name = sqlite3_bind_parameter_name(stmt, i);
      int n = name != nullptr && name[0] != '\0' ? std::atoi(name + 1) : i;
      if (n <= 0) continue;
      if (index_.size() <= static_cast<size_t>(n)) index_.resize(static_cast<size_t>(n) + 1, 0);
      index_[static_cast<size_t>(n)] = i;
    }
  }
  ~SqliteStatement() override { sqlite3_finalize(stmt_); }
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  void BindInt(int n, int64_t value) override { Check(sqlite3_bind_int64(stmt_, Index(n), value)); }
  void BindText(int n, std::string_view value) override {
    Check(sqlite3_bind_text64(stmt_, Index(n), value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  }
  void BindBlob(int n, std::string_view bytes) override {
    Check(sqlite3_bind_blob64(stmt_, Index(n), bytes.data(), bytes.size(), SQLITE_TRANSIENT));
  }
  void BindNull(int n) override { Check(sqlite3_bind_null(stmt_, Index(n))); }

  Result<bool> Step() override {
    if (bind_rc_ != SQLITE_OK) return SqliteError(db_, bind_rc_, "bind");
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return SqliteError(db_, sqlite3_extended_errcode(db_), "step");
  }

  bool IsNull(int column) const override { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  int64_t Int(int column) const override { return sqlite3_column_int64(stmt_, column); }
  std::string_view Bytes(int column) const override {
    const void* data = sqlite3_column_blob(stmt_, column);
    auto size = static_cast<size_t>(sqlite3_column_bytes(stmt_, column));
    return data == nullptr ? std::string_view() : std::string_view(static_cast<const char*>(data), size);
  }
  int64_t changes() const override { return sqlite3_changes64(db_); }

  void Reset() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    bind_rc_ = SQLITE_OK;
  }

 private:
  // 0 for a parameter the SQL does not have: its binding is ignored, as Query ignores it.
  int Index(int n) const { return n > 0 && static_cast<size_t>(n) < index_.size() ? index_[n] : 0; }
  void Check(int rc) {
    if (rc != SQLITE_OK && rc != SQLITE_RANGE && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  }

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::vector<int> index_;
  int bind_rc_ = SQLITE_OK;
};

// Whether `sql` begins with SELECT or WITH: the statements a read connection may run.
// (sqlite3_stmt_readonly alone is not enough: it is true of BEGIN and COMMIT too.)
bool StartsAsQuery(std::string_view sql) {
  size_t i = 0;
  while (i < sql.size() && std::isspace(static_cast<unsigned char>(sql[i]))) ++i;
  auto starts = [&](std::string_view word) {
    if (sql.size() - i < word.size()) return false;
    for (size_t k = 0; k < word.size(); ++k) {
      if (std::toupper(static_cast<unsigned char>(sql[i + k])) != word[k]) return false;
    }
    return sql.size() - i == word.size() || !std::isalnum(static_cast<unsigned char>(sql[i + word.size()]));
  };
  return starts("SELECT") || starts("WITH");
}

std::vector<std::optional<std::string>> ReadRow(sqlite3_stmt* stmt, size_t n) {
  std::vector<std::optional<std::string>> row(n);
  for (size_t c = 0; c < n; ++c) {
    int ci = static_cast<int>(c);
    if (sqlite3_column_type(stmt, ci) == SQLITE_NULL) continue;
    const auto* text = sqlite3_column_text(stmt, ci);
    row[c].emplace(reinterpret_cast<const char*>(text), static_cast<size_t>(sqlite3_column_bytes(stmt, ci)));
  }
  return row;
}

// Binds, steps to the end and reads every row of a prepared statement; resets it after,
// so a cached statement holds no read transaction open between calls (each call reads
// the newest committed data).
Result<SqlRows> RunToRows(sqlite3* db, sqlite3_stmt* stmt, const SqlParams& params) {
  struct Reset {
    sqlite3_stmt* s;
    ~Reset() {
      sqlite3_reset(s);
      sqlite3_clear_bindings(s);
    }
  } reset{stmt};
  ARBOR_RETURN_IF_ERROR(Bind(db, stmt, params));
  int column_count = sqlite3_column_count(stmt);
  std::vector<std::string> columns;
  columns.reserve(static_cast<size_t>(column_count));
  for (int c = 0; c < column_count; ++c) columns.emplace_back(sqlite3_column_name(stmt, c));
  std::vector<std::vector<std::optional<std::string>>> rows;
  int rc = SQLITE_OK;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) rows.push_back(ReadRow(stmt, columns.size()));
  if (rc != SQLITE_DONE) return SqliteError(db, sqlite3_extended_errcode(db), "query");
  return SqlRows(std::move(columns), std::move(rows), sqlite3_changes64(db));
}

// One connection to an existing file (`mode` SQLITE_OPEN_READWRITE or _READONLY) with
// extended result codes, the busy timeout and now_ms(); `what` names it in the error.
Result<sqlite3*> OpenConnection(const std::string& path, int mode, const std::string& what) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, mode | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = raw ? sqlite3_errmsg(raw) : "out of memory";
    sqlite3_close_v2(raw);
    return Status::IOError("cannot open " + what + "SQLite database " + path + ": " + msg);
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, static_cast<int>(kBusyTimeout.count()));
  sqlite3_create_function(raw, "now_ms", 0, SQLITE_UTF8, nullptr, NowMs, nullptr, nullptr);
  return raw;
}

// One read-only connection of a database's read pool (SQLITE_OPEN_READONLY: it cannot
// write even by mistake), with the statements it compiled, by SQL text. In WAL mode a
// statement run outside a transaction reads the newest commit as of its first step, so a
// read after a write committed on the writer connection sees the write.
class SqliteReader {
 public:
  // Compiled statements kept per connection; past this the cache starts over (the server's
  // statements are a few dozen texts; this bounds memory if texts vary without end).
  static constexpr size_t kMaxStatements = 256;

  static Result<std::unique_ptr<SqliteReader>> Open(const std::string& path) {
    ARBOR_ASSIGN_OR_RETURN(sqlite3 * raw,
                           OpenConnection(path, SQLITE_OPEN_READONLY, "a read connection to "));
    return std::unique_ptr<SqliteReader>(new SqliteReader(raw));
  }
  ~SqliteReader() {
    Clear();
    sqlite3_close_v2(db_);
  }
  SqliteReader(const SqliteReader&) = delete;
  SqliteReader& operator=(const SqliteReader&) = delete;

  // The rows of `sql` when it only reads; nullopt when it is not a query this connection
  // may run (the caller runs it on the writer).
  Result<std::optional<SqlRows>> TryRead(std::string_view sql, const SqlParams& params) {
    if (!StartsAsQuery(sql)) return std::optional<SqlRows>();
    std::string key(sql);
    auto it = statements_.find(key);
    if (it == statements_.end()) {
      if (statements_.size() >= kMaxStatements) Clear();
      sqlite3_stmt* stmt = nullptr;
      int rc = sqlite3_prepare_v3(db_, key.data(), static_cast<int>(key.size()), SQLITE_PREPARE_PERSISTENT,
                                  &stmt, nullptr);
      if (rc != SQLITE_OK) return SqliteError(db_, sqlite3_extended_errcode(db_), "query");
      it = statements_.emplace(std::move(key), stmt).first;
    }
    if (!sqlite3_stmt_readonly(it->second)) return std::optional<SqlRows>();
    ARBOR_ASSIGN_OR_RETURN(SqlRows rows, RunToRows(db_, it->second, params));
    return std::optional<SqlRows>(std::move(rows));
  }

 private:
  explicit SqliteReader(sqlite3* db) : db_(db) {}
  void Clear() {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    statements_.clear();
  }

  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

class SqliteDatabase final : public SqlDatabase {
 public:
  SqliteDatabase(sqlite3* db, const std::string& path, size_t read_connections) : db_(db), unlocked_(*this) {
    if (read_connections > 0) {
      readers_ = std::make_unique<ConnectionPool<SqliteReader>>(read_connections,
                                                                [path] { return SqliteReader::Open(path); });
    }
  }
  ~SqliteDatabase() override {
    readers_.reset();
    statements_.clear();  // finalized before the connection closes
    sqlite3_close_v2(db_);
  }

  SqlDialect dialect() const override { return SqlDialect::kSqlite; }

  Result<SqlRows> Query(std::string_view sql, const SqlParams& params) override {
    if (readers_ != nullptr) {
      // A query runs on a read connection, beside other threads' queries and the
      // writer's statements; anything else (and a query when no read connection opens)
      // on the one writer connection.
      auto lease = readers_->Acquire();
      if (lease.ok()) {
        ARBOR_ASSIGN_OR_RETURN(std::optional<SqlRows> rows, (*lease)->TryRead(sql, params));
        if (rows) return std::move(*rows);
      }
    }
    std::lock_guard<std::mutex> lock(mu_);
    return QueryLocked(sql, params);
  }

  Result<SqlStatement> Prepare(std::string_view sql) override {
    std::lock_guard<std::mutex> lock(mu_);
    return PrepareLocked(sql);
  }

  Status Transact(const std::function<Status(SqlExecutor&)>& body) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto begun = QueryLocked("BEGIN IMMEDIATE", {});
    if (!begun.ok()) return begun.status();
    Status st = body(unlocked_);
    if (st.ok()) {
      auto committed = QueryLocked("COMMIT", {});
      if (committed.ok()) return Status::Ok();
      st = committed.status();
    }
    (void)QueryLocked("ROLLBACK", {});
    return st;
  }

 private:
  // The executor handed to a transaction body: the mutex is already held.
  class Unlocked final : public SqlExecutor {
   public:
    explicit Unlocked(SqliteDatabase& db) : db_(db) {}
    SqlDialect dialect() const override { return SqlDialect::kSqlite; }
    Result<SqlRows> Query(std::string_view sql, const SqlParams& params) override {
      return db_.QueryLocked(sql, params);
    }
    Result<SqlStatement> Prepare(std::string_view sql) override { return db_.PrepareLocked(sql); }

   private:
    SqliteDatabase& db_;
  };

  Result<SqlRows> QueryLocked(std::string_view sql, const SqlParams& params) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) return SqliteError(db_, sqlite3_extended_errcode(db_), "query");
    StatementGuard guard(stmt);
    return RunToRows(db_, stmt, params);
  }

  Result<SqlStatement> PrepareLocked(std::string_view sql) {
    std::string key(sql);
    auto it = statements_.find(key);
    if (it == statements_.end()) {
      sqlite3_stmt* stmt = nullptr;
      int rc = sqlite3_prepare_v3(db_, key.data(), static_cast<int>(key.size()), SQLITE_PREPARE_PERSISTENT,
                                  &stmt, nullptr);
      if (rc != SQLITE_OK) return SqliteError(db_, sqlite3_extended_errcode(db_), "prepare");
      it = statements_.emplace(std::move(key), std::make_unique<SqliteStatement>(db_, stmt)).first;
    }
    return SqlStatement::Borrowing(it->second.get());
  }

  sqlite3* db_;
  std::mutex mu_;
  Unlocked unlocked_;
  // Prepared statements by SQL text, for the life of the connection; guarded by mu_.
  std::unordered_map<std::string, std::unique_ptr<SqliteStatement>> statements_;
  // Read-only connections for queries outside transactions; null when none were asked for.
  std::unique_ptr<ConnectionPool<SqliteReader>> readers_;
};

// "PRAGMA page_size=N; " or nothing. The page size can only be set before the first page
// is written (and before WAL mode is on), so it goes first; on an existing file it is a no-op.
std::string PageSizePragma(size_t page_size) {
  return page_size == 0 ? "" : "PRAGMA page_size=" + std::to_string(page_size) + "; ";
}

// Errors are reported as an "open" failure: a file that is not a database is found here.
Status Configure(sqlite3* db, size_t page_size) {
  // WAL lets readers run beside one writer; NORMAL sync is durable across process
  // crashes (what kill -9 tests) and loses at most the last commits on power loss.
  std::string pragmas = PageSizePragma(page_size) +
                        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON";
  int rc = sqlite3_exec(db, pragmas.c_str(), nullptr, nullptr, nullptr);
  return rc == SQLITE_OK ? Status::Ok() : SqliteError(db, sqlite3_extended_errcode(db), "open");
}

// Creates a missing database file whole: an empty WAL-mode database is written under a
// temporary name and linked into place, so no opener ever sees the file at 0 bytes (and a
// 0-byte file can be refused as not a database). Losing the race to another creator is fine.
Status CreateDatabaseFile(const std::string& path, size_t page_size) {
  static std::atomic<uint64_t> counter{0};
  std::string tmp = path + ".new-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(tmp.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  std::string pragmas = PageSizePragma(page_size) + "PRAGMA journal_mode=WAL";
  if (rc == SQLITE_OK) rc = sqlite3_exec(raw, pragmas.c_str(), nullptr, nullptr, nullptr);
  std::string msg = raw ? sqlite3_errmsg(raw) : "out of memory";
  sqlite3_close_v2(raw);
  Status st;
  if (rc != SQLITE_OK) {
    st = Status::IOError("cannot create the SQLite file: " + msg);
  } else if (::link(tmp.c_str(), path.c_str()) != 0 && errno != EEXIST) {
    // A file system without hard links: rename, unless another creator got there first
    // (two creators in the same instant could still both rename; the later one wins).
    int err = errno;
    if ((err == EPERM || err == ENOTSUP || err == ENOSYS) && ::access(path.c_str(), F_OK) != 0 &&
        ::rename(tmp.c_str(), path.c_str()) == 0) {
      return Status::Ok();
    }
    st = Status::IOError(std::string("cannot create the SQLite file: ") + std::strerror(err));
  }
  for (const char* suffix : {"", "-wal", "-shm"}) ::unlink((tmp + suffix).c_str());
  return st;
}

}  // namespace

Result<std::unique_ptr<SqlDatabase>> OpenSqliteDatabase(const std::string& path, EmptyFile empty,
                                                        size_t read_connections, size_t page_size) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 && errno == ENOENT) {
    ARBOR_RETURN_IF_ERROR(CreateDatabaseFile(path, page_size));
  }
  if (empty == EmptyFile::kRefuse && ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
      st.st_size == 0) {
    return Status::Corruption("the file is empty (0 bytes), not an SQLite database");
  }
  ARBOR_ASSIGN_OR_RETURN(sqlite3 * raw, OpenConnection(path, SQLITE_OPEN_READWRITE, ""));
  std::unique_ptr<SqlDatabase> db = std::make_unique<SqliteDatabase>(raw, path, read_connections);
  Status configured = Configure(raw, page_size);
  if (configured.Is(StatusCode::kCorruption)) return configured;  // the caller names the file
  if (!configured.ok()) return configured.Annotate("configuring SQLite database " + path);
  return db;
}

}  // namespace arbor::sql
