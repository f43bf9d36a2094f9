// IndexStore over SQLite, through src/sql: the tables come from store_schema.h, every
// statement runs on a SqlDatabase, the save loop on prepared statements compiled once per
// connection (sql_statement.h).
#include <memory>

#include "node_index/index_store.h"
#include "node_index/node_tree_impl.h"
#include "node_index/store_changes.h"
#include "node_index/store_schema.h"
#include "sql/sql_database.h"

namespace arbor::node_index {
namespace {

constexpr const char* kRetire =
    "UPDATE node_dirs SET until=$3 WHERE tree_id=$1 AND dir_id=$2 AND until=$4 AND since<$3";
constexpr const char* kDropSameVersion = "DELETE FROM node_dirs WHERE tree_id=$1 AND dir_id=$2 AND since=$3";
constexpr const char* kUpsert =
    "INSERT INTO node_dirs(tree_id, dir_id, since, until, record) VALUES($1, $2, $3, $4, $5)"
    " ON CONFLICT(tree_id, dir_id, since) DO UPDATE SET until=excluded.until, record=excluded.record";
constexpr const char* kLoad =
    "SELECT dir_id, record FROM node_dirs WHERE tree_id=$1 AND since<=$2 AND until>$2";
constexpr int64_t kOpenEnded = std::numeric_limits<int64_t>::max();

class SqliteStore final : public IndexStore {
 public:
  explicit SqliteStore(std::unique_ptr<sql::SqlDatabase> db) : db_(std::move(db)) {}

  Status Save(int64_t tree_id, int64_t version, NodeTree* tree) override {
    ARBOR_RETURN_IF_ERROR(Commit(tree_id, version, CollectChanges(*tree)));
    MarkSaved(tree);
    return Status::Ok();
  }

  Status Export(int64_t tree_id, int64_t version, const NodeTree& tree) override {
    return Commit(tree_id, version, CollectAll(tree));
  }

  Result<LoadedTree> Load(int64_t tree_id, int64_t version) override {
    ARBOR_ASSIGN_OR_RETURN(sql::SqlStatement q, db_->Prepare(kLoad));
    q.Bind(1, tree_id).Bind(2, version);
    TreeBuilder builder;
    for (;;) {
      ARBOR_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      builder.Add(FromSqlId(q.Int(0)), q.Bytes(1));
    }
    LoadedTree out;
    out.tree = builder.Finish(&out.damaged);
    return out;
  }

  Status DropTree(int64_t tree_id) override {
    return db_->Query("DELETE FROM node_dirs WHERE tree_id=$1", {tree_id}).status();
  }

  Result<uint64_t> DiskBytes() override {
    ARBOR_RETURN_IF_ERROR(db_->Query("PRAGMA wal_checkpoint(TRUNCATE)").status());
    ARBOR_ASSIGN_OR_RETURN(
        sql::SqlRows rows,
        db_->Query("SELECT page_count * page_size AS n FROM pragma_page_count, pragma_page_size"));
    return static_cast<uint64_t>(rows.Int(0, "n"));
  }

  StoreCounters counters() const override { return counters_; }

 private:
  Status Commit(int64_t tree_id, int64_t version, const PendingChanges& ch) {
    StoreCounters before = counters_;
    Status st = db_->Transact([&](sql::SqlExecutor& tx) {
      ARBOR_RETURN_IF_ERROR(CheckVersion(tx, tree_id, version));
      return Write(tx, tree_id, version, ch);
    });
    if (!st.ok()) {
      counters_ = before;
      return st;
    }
    counters_.saves++;
    return Status::Ok();
  }

  // Versions only go forward: an older version written over newer rows would leave two
  // rows valid at once.
  static Status CheckVersion(sql::SqlExecutor& tx, int64_t tree_id, int64_t version) {
    ARBOR_ASSIGN_OR_RETURN(sql::SqlRows rows,
                           tx.Query("SELECT max(since) AS v FROM node_dirs WHERE tree_id=$1", {tree_id}));
    if (!rows.IsNull(0, "v") && rows.Int(0, "v") > version) {
      return Status::InvalidArgument("tree " + std::to_string(tree_id) + " already has a version after " +
                                     std::to_string(version));
    }
    return Status::Ok();
  }

  // Binds tree, dir, version (and the open end, for the statements that have it).
  static sql::SqlStatement& Key(sql::SqlStatement& s, int64_t tree_id, NodeId dir, int64_t version,
                                bool open_end) {
    s.Bind(1, tree_id).Bind(2, SqlId(dir)).Bind(3, version);
    if (open_end) s.Bind(4, kOpenEnded);
    return s;
  }

  Status Write(sql::SqlExecutor& tx, int64_t tree_id, int64_t version, const PendingChanges& ch) {
    ARBOR_ASSIGN_OR_RETURN(sql::SqlStatement retire, tx.Prepare(kRetire));
    ARBOR_ASSIGN_OR_RETURN(sql::SqlStatement drop, tx.Prepare(kDropSameVersion));
    ARBOR_ASSIGN_OR_RETURN(sql::SqlStatement upsert, tx.Prepare(kUpsert));
    for (NodeId id : ch.deleted) {
      ARBOR_RETURN_IF_ERROR(Key(retire, tree_id, id, version, true).Run());
      counters_.rows_retired += static_cast<uint64_t>(retire.changes());
      ARBOR_RETURN_IF_ERROR(Key(drop, tree_id, id, version, false).Run());
    }
    for (const auto& [id, rec] : ch.records) {
      ARBOR_RETURN_IF_ERROR(Key(retire, tree_id, id, version, true).Run());
      counters_.rows_retired += static_cast<uint64_t>(retire.changes());
      ARBOR_RETURN_IF_ERROR(Key(upsert, tree_id, id, version, true).BindBlob(5, rec).Run());
      counters_.records_written++;
    }
    return Status::Ok();
  }

  std::unique_ptr<sql::SqlDatabase> db_;
  StoreCounters counters_;
};

}  // namespace

Result<std::unique_ptr<IndexStore>> OpenSqliteStore(const std::string& path) {
  // The index is derived data: a 0-byte file is a new, empty index (the caller warns).
  ARBOR_ASSIGN_OR_RETURN(auto db, sql::OpenSqliteDatabase(path, sql::EmptyFile::kOpenAsNew));
  ARBOR_RETURN_IF_ERROR(sql::Migrate(*db, NodeIndexSchema()));
  return std::unique_ptr<IndexStore>(std::make_unique<SqliteStore>(std::move(db)));
}

}  // namespace arbor::node_index
