// IndexStore over SQLite (libsqlite3). One ordinary rowid table plus a unique index on
// (tree_id, dir_id, since): records average hundreds of bytes to a few KiB, which a
// rowid table keeps on its leaf pages where a WITHOUT ROWID table would spill them to
// overflow pages.
#include <sqlite3.h>

#include <memory>

#include "node_index/index_store.h"
#include "node_index/node_tree_impl.h"
#include "node_index/store_changes.h"
#include "sql/sql_errors.h"

namespace arbor::node_index {
namespace {

constexpr const char* kSchema =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "CREATE TABLE IF NOT EXISTS node_dirs(tree_id INTEGER NOT NULL, dir_id INTEGER NOT NULL,"
    " since INTEGER NOT NULL, until INTEGER NOT NULL, record BLOB NOT NULL);"
    "CREATE UNIQUE INDEX IF NOT EXISTS node_dirs_key ON node_dirs(tree_id, dir_id, since);";
constexpr const char* kRetire =
    "UPDATE node_dirs SET until=?3 WHERE tree_id=?1 AND dir_id=?2 AND until=?4 AND since<?3";
constexpr const char* kDropSameVersion = "DELETE FROM node_dirs WHERE tree_id=?1 AND dir_id=?2 AND since=?3";
constexpr const char* kUpsert =
    "INSERT INTO node_dirs(tree_id, dir_id, since, until, record) VALUES(?1, ?2, ?3, ?4, ?5)"
    " ON CONFLICT(tree_id, dir_id, since) DO UPDATE SET until=excluded.until, record=excluded.record";
constexpr const char* kLoad =
    "SELECT dir_id, record FROM node_dirs WHERE tree_id=?1 AND since<=?2 AND until>?2";
constexpr int64_t kOpenEnded = std::numeric_limits<int64_t>::max();

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Stmt = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

class SqliteStore final : public IndexStore {
 public:
  static Result<std::unique_ptr<IndexStore>> Open(const std::string& path) {
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    std::unique_ptr<SqliteStore> s(new SqliteStore(raw));
    if (rc != SQLITE_OK) return s->Error("open " + path);
    sqlite3_busy_timeout(raw, static_cast<int>(sql::kBusyTimeout.count()));
    ARBOR_RETURN_IF_ERROR(s->Exec(kSchema, "open"));
    s->path_ = path;
    return std::unique_ptr<IndexStore>(std::move(s));
  }

  Status Save(int64_t tree_id, int64_t version, NodeTree* tree) override {
    ARBOR_RETURN_IF_ERROR(Commit(tree_id, version, CollectChanges(*tree)));
    MarkSaved(tree);
    return Status::Ok();
  }

  Status Export(int64_t tree_id, int64_t version, const NodeTree& tree) override {
    return Commit(tree_id, version, CollectAll(tree));
  }

  Result<LoadedTree> Load(int64_t tree_id, int64_t version) override {
    ARBOR_ASSIGN_OR_RETURN(Stmt q, Prepare(kLoad, "load"));
    sqlite3_bind_int64(q.get(), 1, tree_id);
    sqlite3_bind_int64(q.get(), 2, version);
    TreeBuilder builder;
    int rc;
    while ((rc = sqlite3_step(q.get())) == SQLITE_ROW) {
      auto* data = static_cast<const char*>(sqlite3_column_blob(q.get(), 1));
      size_t len = static_cast<size_t>(sqlite3_column_bytes(q.get(), 1));
      builder.Add(FromSqlId(sqlite3_column_int64(q.get(), 0)), std::string_view(data, len));
    }
    if (rc != SQLITE_DONE) return Error("load");
    LoadedTree out;
    out.tree = builder.Finish(&out.damaged);
    return out;
  }

  Status DropTree(int64_t tree_id) override {
    ARBOR_ASSIGN_OR_RETURN(Stmt q, Prepare("DELETE FROM node_dirs WHERE tree_id=?1", "drop tree"));
    sqlite3_bind_int64(q.get(), 1, tree_id);
    return sqlite3_step(q.get()) == SQLITE_DONE ? Status::Ok() : Error("drop tree");
  }

  Result<uint64_t> DiskBytes() override {
    ARBOR_RETURN_IF_ERROR(Exec("PRAGMA wal_checkpoint(TRUNCATE)", "checkpoint"));
    ARBOR_ASSIGN_OR_RETURN(
        Stmt q,
        Prepare("SELECT page_count * page_size FROM pragma_page_count, pragma_page_size", "page count"));
    if (sqlite3_step(q.get()) != SQLITE_ROW) return Error("page count");
    return static_cast<uint64_t>(sqlite3_column_int64(q.get(), 0));
  }

  StoreCounters counters() const override { return counters_; }

 private:
  explicit SqliteStore(sqlite3* db) : db_(db) {}

  // `what` names the operation; messages never carry SQL text (sql_errors.h).
  Status Error(const std::string& what) const {
    if (!db_) return sql::FromSqlite(SQLITE_NOMEM, "out of memory", what);
    return sql::FromSqlite(sqlite3_extended_errcode(db_.get()), sqlite3_errmsg(db_.get()), what);
  }

  Status Exec(const char* sql, const std::string& what) {
    return sqlite3_exec(db_.get(), sql, nullptr, nullptr, nullptr) == SQLITE_OK ? Status::Ok() : Error(what);
  }

  Result<Stmt> Prepare(const char* sql, const std::string& what) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db_.get(), sql, -1, &raw, nullptr) != SQLITE_OK) return Error(what);
    return Stmt(raw);
  }

  // Binds tree, dir, version (and the open end) and runs one statement.
  Status Run(sqlite3_stmt* s, int64_t tree_id, NodeId dir, int64_t version) {
    sqlite3_bind_int64(s, 1, tree_id);
    sqlite3_bind_int64(s, 2, SqlId(dir));
    sqlite3_bind_int64(s, 3, version);
    if (sqlite3_bind_parameter_count(s) >= 4) sqlite3_bind_int64(s, 4, kOpenEnded);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? Status::Ok() : Error("write");
  }

  Status Commit(int64_t tree_id, int64_t version, const PendingChanges& ch) {
    StoreCounters before = counters_;
    ARBOR_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE", "save"));
    Status st = CheckVersion(tree_id, version);
    if (st.ok()) st = Write(tree_id, version, ch);
    if (st.ok()) st = Exec("COMMIT", "save");
    if (!st.ok()) {
      (void)Exec("ROLLBACK", "save");
      counters_ = before;
      return st;
    }
    counters_.saves++;
    return Status::Ok();
  }

  // Versions only go forward: an older version written over newer rows would leave two
  // rows valid at once.
  Status CheckVersion(int64_t tree_id, int64_t version) {
    ARBOR_ASSIGN_OR_RETURN(Stmt q, Prepare("SELECT max(since) FROM node_dirs WHERE tree_id=?1", "save"));
    sqlite3_bind_int64(q.get(), 1, tree_id);
    if (sqlite3_step(q.get()) != SQLITE_ROW) return Error("max version");
    if (sqlite3_column_type(q.get(), 0) != SQLITE_NULL && sqlite3_column_int64(q.get(), 0) > version) {
      return Status::InvalidArgument("tree " + std::to_string(tree_id) + " already has a version after " +
                                     std::to_string(version));
    }
    return Status::Ok();
  }

  Status Write(int64_t tree_id, int64_t version, const PendingChanges& ch) {
    ARBOR_ASSIGN_OR_RETURN(Stmt retire, Prepare(kRetire, "save"));
    ARBOR_ASSIGN_OR_RETURN(Stmt drop, Prepare(kDropSameVersion, "save"));
    ARBOR_ASSIGN_OR_RETURN(Stmt upsert, Prepare(kUpsert, "save"));
    for (NodeId id : ch.deleted) {
      ARBOR_RETURN_IF_ERROR(Run(retire.get(), tree_id, id, version));
      counters_.rows_retired += static_cast<uint64_t>(sqlite3_changes(db_.get()));
      ARBOR_RETURN_IF_ERROR(Run(drop.get(), tree_id, id, version));
    }
    for (const auto& [id, rec] : ch.records) {
      ARBOR_RETURN_IF_ERROR(Run(retire.get(), tree_id, id, version));
      counters_.rows_retired += static_cast<uint64_t>(sqlite3_changes(db_.get()));
      sqlite3_bind_blob(upsert.get(), 5, rec.data(), static_cast<int>(rec.size()), SQLITE_STATIC);
      ARBOR_RETURN_IF_ERROR(Run(upsert.get(), tree_id, id, version));
      counters_.records_written++;
    }
    return Status::Ok();
  }

  std::unique_ptr<sqlite3, DbCloser> db_;
  std::string path_;
  StoreCounters counters_;
};

}  // namespace

Result<std::unique_ptr<IndexStore>> OpenSqliteStore(const std::string& path) {
  return SqliteStore::Open(path);
}

}  // namespace arbor::node_index
