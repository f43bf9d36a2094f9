#include "sql/sql_database.h"

#include <algorithm>
#include <cassert>
#include <charconv>

namespace arbor::sql {

const std::optional<std::string>& SqlRows::Cell(size_t row, std::string_view column) const {
  static const std::optional<std::string> kMissing;
  auto it = std::find(columns_.begin(), columns_.end(), column);
  assert(it != columns_.end() && "column not in the result");
  assert(row < rows_.size());
  if (it == columns_.end() || row >= rows_.size()) return kMissing;
  return rows_[row][static_cast<size_t>(it - columns_.begin())];
}

bool SqlRows::IsNull(size_t row, std::string_view column) const { return !Cell(row, column).has_value(); }

std::string SqlRows::Text(size_t row, std::string_view column) const {
  const auto& cell = Cell(row, column);
  return cell ? *cell : std::string();
}

int64_t SqlRows::Int(size_t row, std::string_view column) const {
  return OptionalInt(row, column).value_or(0);
}

std::optional<int64_t> SqlRows::OptionalInt(size_t row, std::string_view column) const {
  const auto& cell = Cell(row, column);
  if (!cell) return std::nullopt;
  int64_t v = 0;
  auto [end, ec] = std::from_chars(cell->data(), cell->data() + cell->size(), v);
  assert(ec == std::errc() && end == cell->data() + cell->size() && "cell is not an integer");
  (void)end;
  (void)ec;
  return v;
}

}  // namespace arbor::sql
