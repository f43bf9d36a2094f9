// The SQLite engine: one sqlite3 connection in WAL mode, so readers never block the
// writer and several processes (the CLI, `arbor worker`s on one machine) share one file.
// Errors are mapped by sql_errors.h; messages name the operation, never the SQL.
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>

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
    } else {
      rc = sqlite3_bind_null(stmt, idx);
    }
    if (rc != SQLITE_OK) return SqliteError(db, rc, "");
  }
  return Status::Ok();
}

class SqliteDatabase final : public SqlDatabase {
 public:
  explicit SqliteDatabase(sqlite3* db) : db_(db), unlocked_(*this) {}
  ~SqliteDatabase() override { sqlite3_close_v2(db_); }

  SqlDialect dialect() const override { return SqlDialect::kSqlite; }

  Result<SqlRows> Query(std::string_view sql, const SqlParams& params) override {
    std::lock_guard<std::mutex> lock(mu_);
    return QueryLocked(sql, params);
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

   private:
    SqliteDatabase& db_;
  };

  Result<SqlRows> QueryLocked(std::string_view sql, const SqlParams& params) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) return SqliteError(db_, sqlite3_extended_errcode(db_), "");
    StatementGuard guard(stmt);
    ARBOR_RETURN_IF_ERROR(Bind(db_, stmt, params));
    std::vector<std::string> columns;
    for (int c = 0; c < sqlite3_column_count(stmt); ++c) columns.emplace_back(sqlite3_column_name(stmt, c));
    std::vector<std::vector<std::optional<std::string>>> rows;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) rows.push_back(ReadRow(stmt, columns.size()));
    if (rc != SQLITE_DONE) return SqliteError(db_, sqlite3_extended_errcode(db_), "");
    return SqlRows(std::move(columns), std::move(rows), sqlite3_changes64(db_));
  }

  static std::vector<std::optional<std::string>> ReadRow(sqlite3_stmt* stmt, size_t n) {
    std::vector<std::optional<std::string>> row(n);
    for (size_t c = 0; c < n; ++c) {
      int ci = static_cast<int>(c);
      if (sqlite3_column_type(stmt, ci) == SQLITE_NULL) continue;
      const auto* text = sqlite3_column_text(stmt, ci);
      row[c].emplace(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(sqlite3_column_bytes(stmt, ci)));
    }
    return row;
  }

  sqlite3* db_;
  std::mutex mu_;
  Unlocked unlocked_;
};

Status Configure(SqlDatabase& db) {
  // WAL lets readers run beside one writer; NORMAL sync is durable across process
  // crashes (what kill -9 tests) and loses at most the last commits on power loss.
  for (const char* pragma :
       {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON"}) {
    auto r = db.Query(pragma);
    if (!r.ok()) return r.status();
  }
  return Status::Ok();
}

// Creates a missing database file whole: an empty WAL-mode database is written under a
// temporary name and linked into place, so no opener ever sees the file at 0 bytes (and a
// 0-byte file can be refused as not a database). Losing the race to another creator is fine.
Status CreateDatabaseFile(const std::string& path) {
  static std::atomic<uint64_t> counter{0};
  std::string tmp = path + ".new-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(tmp.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc == SQLITE_OK) rc = sqlite3_exec(raw, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr);
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

Result<std::unique_ptr<SqlDatabase>> OpenSqliteDatabase(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 && errno == ENOENT) ARBOR_RETURN_IF_ERROR(CreateDatabaseFile(path));
  if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0) {
    return Status::Corruption("the file is empty (0 bytes), not an SQLite database");
  }
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = raw ? sqlite3_errmsg(raw) : "out of memory";
    sqlite3_close_v2(raw);
    return Status::IOError("cannot open SQLite database " + path + ": " + msg);
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, static_cast<int>(kBusyTimeout.count()));
  sqlite3_create_function(raw, "now_ms", 0, SQLITE_UTF8, nullptr, NowMs, nullptr, nullptr);
  std::unique_ptr<SqlDatabase> db = std::make_unique<SqliteDatabase>(raw);
  Status configured = Configure(*db);
  if (configured.Is(StatusCode::kCorruption)) return configured;  // the caller names the file
  if (!configured.ok()) return configured.Annotate("configuring SQLite database " + path);
  return db;
}

}  // namespace arbor::sql
