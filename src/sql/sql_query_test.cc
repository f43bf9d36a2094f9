#include "sql/sql_query.h"

#include <gtest/gtest.h>

namespace arbor::sql {
namespace {

TEST(SqlQueryTest, NumbersPlaceholdersAcrossPieces) {
  SqlQuery q("SELECT * FROM t WHERE a = ? AND b = ?", int64_t{1}, std::string("x"));
  q.Add(" AND c = ?", nullptr);
  EXPECT_EQ(q.sql(), "SELECT * FROM t WHERE a = $1 AND b = $2 AND c = $3");
  ASSERT_EQ(q.params().size(), 3u);
  EXPECT_EQ(std::get<int64_t>(q.params()[0]), 1);
  EXPECT_EQ(std::get<std::string>(q.params()[1]), "x");
}

}  // namespace
}  // namespace arbor::sql
