// IndexStore over PostgreSQL (libpqxx 6.4). Writes go in batches: one UPDATE retiring
// the replaced rows by id array, then multi-row INSERTs, so a first save of millions of
// directories costs hundreds of round trips, not millions. Loads read through a cursor
// in fixed batches, so the client never holds the whole table at once.
// libpqxx throws; every exception stops here and becomes a Status.
#include <pqxx/pqxx>

#include "node_index/index_store.h"
#include "node_index/node_tree_impl.h"
#include "node_index/store_changes.h"
#include "sql/sql_errors.h"

namespace arbor::node_index {
namespace {

constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS arbor_node_dirs(tree_id bigint NOT NULL, dir_id bigint NOT NULL,"
    " since bigint NOT NULL, until bigint NOT NULL, record bytea NOT NULL,"
    " PRIMARY KEY (tree_id, dir_id, since))";
constexpr int64_t kOpenEnded = std::numeric_limits<int64_t>::max();
constexpr size_t kIdsPerStatement = 20'000;
constexpr size_t kSqlBytesPerInsert = 8 << 20;
constexpr int kFetchRows = 5'000;

std::string IdArray(std::span<const NodeId> ids) {
  std::string out = "'{";
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += std::to_string(SqlId(ids[i]));
  }
  return out + "}'::bigint[]";
}

// sql_errors.h: the server's first line only (later lines may quote the statement).
Status FromException(const std::exception& e, const std::string& what) {
  return sql::FromPostgresException(e, what);
}

class PostgresStore final : public IndexStore {
 public:
  explicit PostgresStore(const std::string& conninfo) : conn_(conninfo) {}

  static Result<std::unique_ptr<IndexStore>> Open(const std::string& conninfo) {
    try {
      auto s = std::make_unique<PostgresStore>(conninfo);
      pqxx::nontransaction n(s->conn_);
      n.exec(kSchema);
      return std::unique_ptr<IndexStore>(std::move(s));
    } catch (const std::exception& e) {
      return FromException(e, "open");
    }
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
    try {
      return LoadRows(tree_id, version);
    } catch (const std::exception& e) {
      return FromException(e, "load");
    }
  }

  Status DropTree(int64_t tree_id) override {
    try {
      pqxx::work w(conn_);
      w.exec("DELETE FROM arbor_node_dirs WHERE tree_id=" + std::to_string(tree_id));
      w.commit();
      return Status::Ok();
    } catch (const std::exception& e) {
      return FromException(e, "drop tree");
    }
  }

  Result<uint64_t> DiskBytes() override {
    try {
      pqxx::nontransaction n(conn_);
      n.exec("VACUUM arbor_node_dirs");
      return n.exec1("SELECT pg_total_relation_size('arbor_node_dirs')")[0].as<uint64_t>();
    } catch (const std::exception& e) {
      return FromException(e, "size");
    }
  }

  StoreCounters counters() const override { return counters_; }

 private:
  Status Commit(int64_t tree_id, int64_t version, const PendingChanges& ch) {
    StoreCounters before = counters_;
    try {
      pqxx::work w(conn_);
      // Versions only go forward: an older version written over newer rows would leave
      // two rows valid at once.
      pqxx::row last = w.exec1(
          "SELECT coalesce(max(since), -9223372036854775808) FROM arbor_node_dirs"
          " WHERE tree_id=" +
          std::to_string(tree_id));
      if (last[0].as<int64_t>() > version) {
        return Status::InvalidArgument("tree " + std::to_string(tree_id) + " already has a version after " +
                                       std::to_string(version));
      }
      Retire(w, tree_id, version, ch.deleted);
      w.exec("DELETE FROM arbor_node_dirs WHERE tree_id=" + std::to_string(tree_id) +
             " AND since=" + std::to_string(version) + " AND dir_id = ANY(" + IdArray(ch.deleted) + ")");
      std::vector<NodeId> ids;
      for (const auto& r : ch.records) ids.push_back(r.first);
      Retire(w, tree_id, version, ids);
      Insert(w, tree_id, version, ch.records);
      w.commit();
    } catch (const std::exception& e) {
      counters_ = before;
      return FromException(e, "save");
    }
    counters_.saves++;
    return Status::Ok();
  }

  LoadedTree LoadRows(int64_t tree_id, int64_t version) {
    pqxx::work w(conn_);
    w.exec(
        "DECLARE node_dirs_load NO SCROLL CURSOR FOR SELECT dir_id, record FROM arbor_node_dirs"
        " WHERE tree_id=" +
        std::to_string(tree_id) + " AND since<=" + std::to_string(version) + " AND until>" +
        std::to_string(version));
    TreeBuilder builder;
    for (;;) {
      pqxx::result r = w.exec("FETCH " + std::to_string(kFetchRows) + " FROM node_dirs_load");
      for (const pqxx::row& row : r) {
        pqxx::binarystring rec(row[1]);
        builder.Add(FromSqlId(row[0].as<int64_t>()), std::string_view(rec.get(), rec.size()));
      }
      if (r.size() < static_cast<size_t>(kFetchRows)) break;
    }
    w.commit();
    LoadedTree out;
    out.tree = builder.Finish(&out.damaged);
    return out;
  }

  void Retire(pqxx::work& w, int64_t tree_id, int64_t version, std::span<const NodeId> ids) {
    for (size_t i = 0; i < ids.size(); i += kIdsPerStatement) {
      auto part = ids.subspan(i, std::min(kIdsPerStatement, ids.size() - i));
      pqxx::result r =
          w.exec("UPDATE arbor_node_dirs SET until=" + std::to_string(version) +
                 " WHERE tree_id=" + std::to_string(tree_id) + " AND until=" + std::to_string(kOpenEnded) +
                 " AND since<" + std::to_string(version) + " AND dir_id = ANY(" + IdArray(part) + ")");
      counters_.rows_retired += r.affected_rows();
    }
  }

  void Insert(pqxx::work& w, int64_t tree_id, int64_t version,
              const std::vector<std::pair<NodeId, std::string_view>>& records) {
    const std::string head = "INSERT INTO arbor_node_dirs(tree_id, dir_id, since, until, record) VALUES ";
    const std::string tail =
        " ON CONFLICT (tree_id, dir_id, since) DO UPDATE SET until=excluded.until,"
        " record=excluded.record";
    const std::string fixed = "(" + std::to_string(tree_id) + ",";
    const std::string span = "," + std::to_string(version) + "," + std::to_string(kOpenEnded) + ",";
    std::string sql;
    for (size_t i = 0; i < records.size(); ++i) {
      const auto& [id, rec] = records[i];
      sql += sql.empty() ? head : ",";
      sql += fixed + std::to_string(SqlId(id)) + span;
      sql += w.quote_raw(reinterpret_cast<const unsigned char*>(rec.data()), rec.size()) + ")";
      counters_.records_written++;
      if (sql.size() >= kSqlBytesPerInsert || i + 1 == records.size()) {
        w.exec(sql + tail);
        sql.clear();
      }
    }
  }

  pqxx::connection conn_;
  StoreCounters counters_;
};

}  // namespace

Result<std::unique_ptr<IndexStore>> OpenPostgresStore(const std::string& conninfo) {
  return PostgresStore::Open(conninfo);
}

}  // namespace arbor::node_index
