// The Postgres engine: one libpqxx connection. libpqxx reports errors as exceptions; they
// are caught here and become Status values, so nothing above this file sees one. A lost
// connection is reopened on the next call, which lets a worker outlive a database restart.
//
// Statements are prepared on the connection the first time they run, so Postgres plans
// each once per connection: planning the claim costs more than running it (see
// docs/scaling.md). ARBOR_PG_PREPARE=off turns this off, for poolers that cannot keep
// prepared statements across transactions (PgBouncer in transaction mode before 1.21).
#include <cstdlib>
#include <mutex>
#include <pqxx/pqxx>
#include <unordered_map>

#include "sql/sql_database.h"
#include "sql/sql_errors.h"

namespace arbor::sql {
namespace {

// Runs `fn`, turning libpqxx's exceptions into a Status (sql_errors.h: no SQL text in
// it). `broken` is set when the connection is gone and must be reopened.
template <typename Fn>
Status Guarded(bool* broken, Fn&& fn) {
  try {
    fn();
    return Status::Ok();
  } catch (const std::exception& e) {
    return FromPostgresException(e, "", broken);
  }
}

// The type oid of BYTEA (pg_type.h).
constexpr pqxx::oid kByteaOid = 17;

SqlRows ToRows(const pqxx::result& r) {
  std::vector<std::string> columns;
  std::vector<bool> bytea;
  for (pqxx::row::size_type c = 0; c < r.columns(); ++c) {
    columns.emplace_back(r.column_name(c));
    bytea.push_back(r.column_type(c) == kByteaOid);
  }
  std::vector<std::vector<std::optional<std::string>>> rows;
  rows.reserve(r.size());
  for (const auto& row : r) {
    auto& out = rows.emplace_back(columns.size());
    for (pqxx::row::size_type c = 0; c < row.size(); ++c) {
      if (row[c].is_null()) continue;
      if (bytea[c]) {
        pqxx::binarystring bytes(row[c]);
        out[c].emplace(bytes.get(), bytes.size());
      } else {
        out[c].emplace(row[c].c_str(), row[c].size());
      }
    }
  }
  return SqlRows(std::move(columns), std::move(rows), static_cast<int64_t>(r.affected_rows()));
}

// At most this many distinct statements are prepared per connection; more run unprepared.
constexpr size_t kMaxPrepared = 256;

bool PreparingEnabled() {
  const char* v = std::getenv("ARBOR_PG_PREPARE");
  return v == nullptr || (std::string_view(v) != "off" && std::string_view(v) != "0");
}

// The prepared statements of one connection: SQL text -> statement name.
class StatementCache {
 public:
  explicit StatementCache(bool enabled) : enabled_(enabled) {}
  void Clear() { names_.clear(); }

  // The name to execute `sql` under (preparing it now), or "" to run it unprepared.
  std::string NameFor(pqxx::connection& conn, std::string_view sql) {
    if (!enabled_) return {};
    std::string key(sql);
    auto it = names_.find(key);
    if (it != names_.end()) return it->second;
    if (names_.size() >= kMaxPrepared) return {};
    std::string name = "arbor_" + std::to_string(names_.size());
    conn.prepare(name, key);
    names_.emplace(std::move(key), name);
    return name;
  }

 private:
  const bool enabled_;
  std::unordered_map<std::string, std::string> names_;
};

pqxx::result Exec(pqxx::transaction_base& tx, const std::string& prepared, std::string_view sql,
                  const SqlParams& params) {
  std::vector<std::string> storage;
  storage.reserve(params.size());  // no reallocation: ptrs point into it
  std::vector<const char*> ptrs;
  for (const auto& p : params) {
    if (const auto* n = std::get_if<int64_t>(&p)) {
      ptrs.push_back(storage.emplace_back(std::to_string(*n)).c_str());
    } else if (const auto* b = std::get_if<SqlBlob>(&p)) {
      // BYTEA in text form: "\x" and hex digits.
      const auto* bytes = reinterpret_cast<const unsigned char*>(b->bytes.data());
      ptrs.push_back(storage.emplace_back(tx.esc_raw(bytes, b->bytes.size())).c_str());
    } else if (const auto* s = std::get_if<std::string>(&p)) {
      ptrs.push_back(s->c_str());
    } else {
      ptrs.push_back(nullptr);
    }
  }
  if (!prepared.empty()) return tx.exec_prepared(prepared, pqxx::prepare::make_dynamic_params(ptrs));
  return tx.exec_params(std::string(sql), pqxx::prepare::make_dynamic_params(ptrs));
}

class PostgresDatabase final : public SqlDatabase {
 public:
  explicit PostgresDatabase(std::string conninfo)
      : conninfo_(std::move(conninfo)), statements_(PreparingEnabled()) {}

  SqlDialect dialect() const override { return SqlDialect::kPostgres; }

  Status Connect() {
    bool broken = false;
    statements_.Clear();
    return Guarded(&broken, [&] { conn_ = std::make_unique<pqxx::connection>(conninfo_); });
  }

  Result<SqlRows> Query(std::string_view sql, const SqlParams& params) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!conn_) ARBOR_RETURN_IF_ERROR(Connect());
    SqlRows rows;
    bool broken = false;
    Status st = Guarded(&broken, [&] {
      std::string prepared = statements_.NameFor(*conn_, sql);
      pqxx::nontransaction tx(*conn_);
      rows = ToRows(Exec(tx, prepared, sql, params));
    });
    if (broken) conn_.reset();
    if (!st.ok()) return st;
    return rows;
  }

  Result<SqlStatement> Prepare(std::string_view sql) override {
    return SqlStatement::Owning(QueryBackedStatement(*this, std::string(sql)));
  }

  Status Transact(const std::function<Status(SqlExecutor&)>& body) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!conn_) ARBOR_RETURN_IF_ERROR(Connect());
    Status body_status;
    bool broken = false;
    Status st = Guarded(&broken, [&] {
      pqxx::work tx(*conn_);
      InTransaction exec(tx, *conn_, statements_, &broken);
      body_status = body(exec);
      if (body_status.ok()) tx.commit();  // otherwise ~work rolls back
    });
    if (broken) conn_.reset();
    return st.ok() ? body_status : st;
  }

 private:
  // The executor handed to a transaction body. Statement errors are returned as values;
  // Postgres then refuses further statements in the transaction, so bodies return early.
  class InTransaction final : public SqlExecutor {
   public:
    InTransaction(pqxx::work& tx, pqxx::connection& conn, StatementCache& statements, bool* broken)
        : tx_(tx), conn_(conn), statements_(statements), broken_(broken) {}
    SqlDialect dialect() const override { return SqlDialect::kPostgres; }
    Result<SqlRows> Query(std::string_view sql, const SqlParams& params) override {
      SqlRows rows;
      Status st =
          Guarded(broken_, [&] { rows = ToRows(Exec(tx_, statements_.NameFor(conn_, sql), sql, params)); });
      if (!st.ok()) return st;
      return rows;
    }
    Result<SqlStatement> Prepare(std::string_view sql) override {
      return SqlStatement::Owning(QueryBackedStatement(*this, std::string(sql)));
    }

   private:
    pqxx::work& tx_;
    pqxx::connection& conn_;
    StatementCache& statements_;
    bool* broken_;
  };

  const std::string conninfo_;
  std::mutex mu_;
  std::unique_ptr<pqxx::connection> conn_;  // guarded by mu_
  StatementCache statements_;               // guarded by mu_
};

}  // namespace

Result<std::unique_ptr<SqlDatabase>> OpenPostgresDatabase(const std::string& conninfo) {
  auto db = std::make_unique<PostgresDatabase>(conninfo);
  ARBOR_RETURN_IF_ERROR(db->Connect());
  return std::unique_ptr<SqlDatabase>(std::move(db));
}

}  // namespace arbor::sql
