#include "sql/sql_statement.h"

#include <vector>

#include "sql/sql_database.h"

namespace arbor::sql {
namespace {

// Collects the bindings, runs one Query when first stepped and walks its rows.
class QueryBacked final : public StatementImpl {
 public:
  QueryBacked(SqlExecutor& exec, std::string sql) : exec_(exec), sql_(std::move(sql)) {}

  void BindInt(int n, int64_t value) override { Slot(n) = value; }
  void BindText(int n, std::string_view value) override { Slot(n) = std::string(value); }
  void BindBlob(int n, std::string_view bytes) override { Slot(n) = SqlBlob{std::string(bytes)}; }
  void BindNull(int n) override { Slot(n) = nullptr; }

  Result<bool> Step() override {
    if (!rows_) {
      auto rows = exec_.Query(sql_, params_);
      if (!rows.ok()) return rows.status();
      rows_ = std::move(rows).value();
      next_ = 0;
    }
    if (next_ >= rows_->size()) return false;
    current_ = next_++;
    return true;
  }

  bool IsNull(int column) const override { return !Cell(column).has_value(); }
  int64_t Int(int column) const override {
    const auto& cell = Cell(column);
    return cell ? std::stoll(*cell) : 0;
  }
  std::string_view Bytes(int column) const override {
    const auto& cell = Cell(column);
    return cell ? std::string_view(*cell) : std::string_view();
  }
  int64_t changes() const override { return changes_; }

  void Reset() override {
    if (rows_) changes_ = rows_->affected();
    rows_.reset();
    params_.clear();
  }

 private:
  SqlValue& Slot(int n) {
    if (params_.size() < static_cast<size_t>(n)) params_.resize(static_cast<size_t>(n));
    return params_[static_cast<size_t>(n) - 1];
  }
  const std::optional<std::string>& Cell(int column) const {
    return rows_->CellAt(current_, static_cast<size_t>(column));
  }

  SqlExecutor& exec_;
  std::string sql_;
  SqlParams params_;
  std::optional<SqlRows> rows_;
  size_t next_ = 0;
  size_t current_ = 0;
  int64_t changes_ = 0;
};

}  // namespace

SqlStatement SqlStatement::Owning(std::unique_ptr<StatementImpl> owned) {
  StatementImpl* impl = owned.get();
  return SqlStatement(impl, std::move(owned));
}

SqlStatement SqlStatement::Borrowing(StatementImpl* borrowed) { return SqlStatement(borrowed, nullptr); }

SqlStatement::SqlStatement(SqlStatement&& other) noexcept
    : impl_(other.impl_), owned_(std::move(other.owned_)) {
  other.impl_ = nullptr;
}

SqlStatement::~SqlStatement() {
  if (impl_ != nullptr) impl_->Reset();
}

Result<bool> SqlStatement::Step() {
  Result<bool> row = impl_->Step();
  if (!row.ok() || !*row) impl_->Reset();
  return row;
}

Status SqlStatement::Run() {
  for (;;) {
    ARBOR_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

std::unique_ptr<StatementImpl> QueryBackedStatement(SqlExecutor& exec, std::string sql) {
  return std::make_unique<QueryBacked>(exec, std::move(sql));
}

}  // namespace arbor::sql
