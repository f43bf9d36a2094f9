// Tenant scoping of catalog queries (the placeholders themselves: sql/sql_query_test.cc).
#include "catalog/tenant_scope.h"

#include <gtest/gtest.h>

namespace arbor::catalog {
namespace {

TEST(TenantScopeTest, ScopesTenantsButNotTheOperator) {
  sql::SqlQuery tenant("SELECT * FROM shares WHERE id = ?", std::string("s1"));
  ScopeTo(tenant, Principal::ForTenant("t1"));
  EXPECT_EQ(tenant.sql(), "SELECT * FROM shares WHERE id = $1 AND tenant_id = $2");
  EXPECT_EQ(std::get<std::string>(tenant.params()[1]), "t1");

  sql::SqlQuery op("SELECT * FROM shares WHERE id = ?", std::string("s1"));
  ScopeTo(op, Principal::Operator());
  EXPECT_EQ(op.sql(), "SELECT * FROM shares WHERE id = $1");
}

TEST(TenantScopeTest, TargetTenantRules) {
  EXPECT_EQ(TargetTenant(Principal::ForTenant("a"), "").value(), "a");
  EXPECT_EQ(TargetTenant(Principal::ForTenant("a"), "a").value(), "a");
  EXPECT_TRUE(TargetTenant(Principal::ForTenant("a"), "b").status().Is(StatusCode::kNotFound));
  EXPECT_EQ(TargetTenant(Principal::Operator(), "b").value(), "b");
  EXPECT_TRUE(TargetTenant(Principal::Operator(), "").status().Is(StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace arbor::catalog
