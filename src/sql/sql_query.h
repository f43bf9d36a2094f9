// SqlQuery: a statement and its parameters built together, so that placeholders are
// numbered right however the text is assembled (the catalog's tenant scoping appends to
// one: catalog/tenant_scope.h).
//
//   SqlQuery q("SELECT * FROM shares WHERE id = ?", share_id);
//   q.Add(" AND tenant_id = ?", tenant);     // " AND tenant_id = $2"
//   q.Add(" ORDER BY name");
//   ARBOR_ASSIGN_OR_RETURN(SqlRows rows, q.Run(db));
//
// Every '?' in text passed to the constructor or Add() becomes the next "$N" and takes the
// next value, in order. SQL text must therefore not contain a literal '?'.
#pragma once

#include <string>
#include <string_view>

#include "sql/sql_database.h"

namespace arbor::sql {

class SqlQuery {
 public:
  SqlQuery() = default;
  template <typename... V>
  explicit SqlQuery(std::string_view text, V&&... values) {
    Add(text, std::forward<V>(values)...);
  }

  template <typename... V>
  SqlQuery& Add(std::string_view text, V&&... values) {
    SqlParams given{SqlValue(std::forward<V>(values))...};
    AddText(text, std::move(given));
    return *this;
  }

  const std::string& sql() const { return sql_; }
  const SqlParams& params() const { return params_; }
  Result<SqlRows> Run(SqlExecutor& db) const { return db.Query(sql_, params_); }

 private:
  void AddText(std::string_view text, SqlParams values);

  std::string sql_;
  SqlParams params_;
};

}  // namespace arbor::sql
