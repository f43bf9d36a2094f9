// Tenant scoping of catalog queries: every query a tenant's principal runs is limited to
// that tenant's rows by one call, so no store can forget it.
//
//   sql::SqlQuery q("SELECT * FROM shares WHERE id = ?", share_id);
//   ScopeTo(q, principal);                   // " AND tenant_id = $2" unless operator
#pragma once

#include <string_view>

#include "catalog/principal.h"
#include "sql/sql_query.h"

namespace arbor::catalog {

// Appends " AND <column> = ?" bound to the principal's tenant; nothing for the operator.
// Returns `q` for chaining.
sql::SqlQuery& ScopeTo(sql::SqlQuery& q, const Principal& principal, std::string_view column = "tenant_id");

}  // namespace arbor::catalog
