#include "sql/sql_query.h"

#include <cassert>

namespace arbor::sql {

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

}  // namespace arbor::sql
