// IndexStore over PostgreSQL, through src/sql: the tables come from store_schema.h and
// every statement runs on a SqlDatabase. Writes go in batches: one UPDATE retiring the
// replaced rows by id array, then multi-row INSERTs, so a first save of millions of
// directories costs hundreds of round trips, not millions. Loads read in pages of
// kFetchRows in one REPEATABLE READ transaction, so the client never holds the whole table
// and every page sees the same snapshot.
#include <algorithm>
#include <span>

#include "node_index/index_store.h"
#include "node_index/node_tree_impl.h"
#include "node_index/sql_store.h"
#include "node_index/store_changes.h"
#include "node_index/store_schema.h"
#include "sql/sql_database.h"

namespace arbor::node_index {
namespace {

constexpr int64_t kOpenEnded = std::numeric_limits<int64_t>::max();
constexpr size_t kIdsPerStatement = 20'000;
// Rows per INSERT. A save sends full batches, then the rest in power-of-two batches, so
// at most a dozen distinct statements are ever prepared on the connection.
constexpr size_t kRowsPerInsert = 2048;
constexpr int64_t kFetchRows = 5'000;

constexpr const char* kLoadPage =
    "SELECT dir_id, record FROM arbor_node_dirs WHERE tree_id=$1 AND since<=$2 AND until>$2 AND dir_id>=$3"
    " ORDER BY dir_id LIMIT $4";

// An id list as a Postgres array literal, for "= ANY(CAST($n AS BIGINT[]))".
std::string IdArray(std::span<const NodeId> ids) {
  std::string out = "{";
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += std::to_string(SqlId(ids[i]));
  }
  return out + "}";
}

// INSERT of `rows` rows: $1 tree, $2 version, $3 the open end, then (dir, record) pairs.
std::string InsertSql(size_t rows) {
  std::string sql = "INSERT INTO arbor_node_dirs(tree_id, dir_id, since, until, record) VALUES ";
  for (size_t i = 0; i < rows; ++i) {
    if (i > 0) sql += ",";
    sql += "($1,$" + std::to_string(4 + 2 * i) + ",$2,$3,$" + std::to_string(5 + 2 * i) + ")";
  }
  return sql +
         " ON CONFLICT (tree_id, dir_id, since) DO UPDATE SET until=excluded.until, record=excluded.record";
}

class PostgresStore final : public SqlStore {
 public:
  explicit PostgresStore(std::unique_ptr<sql::SqlDatabase> db) : SqlStore(std::move(db), "arbor_node_dirs") {}

  Result<LoadedTree> Load(int64_t tree_id, int64_t version) override {
    TreeBuilder builder;
    Status st = db().Transact([&](sql::SqlExecutor& tx) -> Status {
      ARBOR_RETURN_IF_ERROR(tx.Query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").status());
      ARBOR_ASSIGN_OR_RETURN(sql::SqlStatement page, tx.Prepare(kLoadPage));
      // Pages by dir_id, the second column of the primary key.
      int64_t from = std::numeric_limits<int64_t>::min();
      int64_t last = from;
      for (int64_t n = kFetchRows; n == kFetchRows && last != std::numeric_limits<int64_t>::max();) {
        page.Bind(1, tree_id).Bind(2, version).Bind(3, from).Bind(4, kFetchRows);
        for (n = 0;; ++n) {
          ARBOR_ASSIGN_OR_RETURN(bool row, page.Step());
          if (!row) break;
          last = page.Int(0);
          builder.Add(FromSqlId(last), page.Bytes(1));
        }
        from = last + (last == std::numeric_limits<int64_t>::max() ? 0 : 1);
      }
      return Status::Ok();
    });
    if (!st.ok()) return st.Annotate("load");
    LoadedTree out;
    out.tree = builder.Finish(&out.damaged);
    return out;
  }

  Result<uint64_t> DiskBytes() override {
    ARBOR_RETURN_IF_ERROR(db().Query("VACUUM arbor_node_dirs").status().Annotate("size"));
    auto rows = db().Query("SELECT pg_total_relation_size('arbor_node_dirs') AS n");
    if (!rows.ok()) return rows.status().Annotate("size");
    return static_cast<uint64_t>(rows->Int(0, "n"));
  }

 private:
  Status Write(sql::SqlExecutor& tx, int64_t tree_id, int64_t version, const PendingChanges& ch) override {
    ARBOR_RETURN_IF_ERROR(Retire(tx, tree_id, version, ch.deleted));
    for (size_t i = 0; i < ch.deleted.size(); i += kIdsPerStatement) {
      auto part = std::span(ch.deleted).subspan(i, std::min(kIdsPerStatement, ch.deleted.size() - i));
      ARBOR_RETURN_IF_ERROR(tx.Query("DELETE FROM arbor_node_dirs WHERE tree_id=$1 AND since=$2"
                                     " AND dir_id = ANY(CAST($3 AS BIGINT[]))",
                                     {tree_id, version, IdArray(part)})
                                .status());
    }
    std::vector<NodeId> ids;
    ids.reserve(ch.size());
    for (size_t i = 0; i < ch.size(); ++i) ids.push_back(ch.id(i));
    ARBOR_RETURN_IF_ERROR(Retire(tx, tree_id, version, ids));
    return Insert(tx, tree_id, version, ch);
  }

  Status Retire(sql::SqlExecutor& tx, int64_t tree_id, int64_t version, std::span<const NodeId> ids) {
    for (size_t i = 0; i < ids.size(); i += kIdsPerStatement) {
      auto part = ids.subspan(i, std::min(kIdsPerStatement, ids.size() - i));
      ARBOR_ASSIGN_OR_RETURN(sql::SqlRows r,
                             tx.Query("UPDATE arbor_node_dirs SET until=$2 WHERE tree_id=$1 AND until=$3"
                                      " AND since<$2 AND dir_id = ANY(CAST($4 AS BIGINT[]))",
                                      {tree_id, version, kOpenEnded, IdArray(part)}));
      counters_.rows_retired += static_cast<uint64_t>(r.affected());
    }
    return Status::Ok();
  }

  Status Insert(sql::SqlExecutor& tx, int64_t tree_id, int64_t version, const PendingChanges& records) {
    // Rebuilt (hot) records live here until the statement has run.
    std::vector<std::string> scratch(kRowsPerInsert);
    for (size_t done = 0; done < records.size();) {
      size_t rows = kRowsPerInsert;
      while (rows > records.size() - done) rows /= 2;
      ARBOR_ASSIGN_OR_RETURN(sql::SqlStatement insert, tx.Prepare(InsertSql(rows)));
      insert.Bind(1, tree_id).Bind(2, version).Bind(3, kOpenEnded);
      for (size_t i = 0; i < rows; ++i) {
        insert.Bind(static_cast<int>(4 + 2 * i), SqlId(records.id(done + i)))
            .BindBlob(static_cast<int>(5 + 2 * i), records.record(done + i, &scratch[i]));
      }
      ARBOR_RETURN_IF_ERROR(insert.Run());
      counters_.records_written += rows;
      done += rows;
    }
    return Status::Ok();
  }
};

}  // namespace

Result<std::unique_ptr<IndexStore>> OpenPostgresStore(const std::string& conninfo) {
  auto db = sql::OpenPostgresDatabase(conninfo);
  if (!db.ok()) return db.status().Annotate("open");
  ARBOR_RETURN_IF_ERROR(sql::Migrate(**db, NodeIndexSchema()).Annotate("open"));
  return std::unique_ptr<IndexStore>(std::make_unique<PostgresStore>(std::move(db).value()));
}

}  // namespace arbor::node_index
