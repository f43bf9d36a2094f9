#include "catalog/sql_query.h"

#include <cassert>

namespace arbor::catalog {

void SqlQuery::AddText(std::string_view text, SqlParams values) {
  size_t next = 0;
  for (char c : text) {
    if (c != '?') {
      sql_ += c;
      continue;
    }
    assert(next < values.size() && "more '?' than values");
    params_.push_back(next < values.size() ? std::move(values[next]) : SqlValue(nullptr));
    ++next;
    sql_ += "$" + std::to_string(params_.size());
  }
  assert(next == values.size() && "more values than '?'");
}

SqlQuery& SqlQuery::ScopeTo(const Principal& principal, std::string_view column) {
  if (principal.is_operator()) return *this;
  return Add(" AND " + std::string(column) + " = ?", principal.tenant_id());
}

}  // namespace arbor::catalog
