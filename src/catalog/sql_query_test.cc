#include "catalog/sql_query.h"

#include <gtest/gtest.h>

namespace arbor::catalog {
namespace {

TEST(SqlQueryTest, NumbersPlaceholdersAcrossPieces) {
  SqlQuery q("SELECT * FROM t WHERE a = ? AND b = ?", int64_t{1}, std::string("x"));
  q.Add(" AND c = ?", nullptr);
  EXPECT_EQ(q.sql(), "SELECT * FROM t WHERE a = $1 AND b = $2 AND c = $3");
  ASSERT_EQ(q.params().size(), 3u);
  EXPECT_EQ(std::get<int64_t>(q.params()[0]), 1);
  EXPECT_EQ(std::get<std::string>(q.params()[1]), "x");
}

TEST(SqlQueryTest, ScopesTenantsButNotTheOperator) {
  SqlQuery tenant("SELECT * FROM shares WHERE id = ?", std::string("s1"));
  tenant.ScopeTo(Principal::ForTenant("t1"));
  EXPECT_EQ(tenant.sql(), "SELECT * FROM shares WHERE id = $1 AND tenant_id = $2");
  EXPECT_EQ(std::get<std::string>(tenant.params()[1]), "t1");

  SqlQuery op("SELECT * FROM shares WHERE id = ?", std::string("s1"));
  op.ScopeTo(Principal::Operator());
  EXPECT_EQ(op.sql(), "SELECT * FROM shares WHERE id = $1");
}

TEST(SqlQueryTest, TargetTenantRules) {
  EXPECT_EQ(TargetTenant(Principal::ForTenant("a"), "").value(), "a");
  EXPECT_EQ(TargetTenant(Principal::ForTenant("a"), "a").value(), "a");
  EXPECT_TRUE(TargetTenant(Principal::ForTenant("a"), "b").status().Is(StatusCode::kNotFound));
  EXPECT_EQ(TargetTenant(Principal::Operator(), "b").value(), "b");
  EXPECT_TRUE(TargetTenant(Principal::Operator(), "").status().Is(StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace arbor::catalog
