#include "catalog/tenant_scope.h"

#include <string>

namespace arbor::catalog {

sql::SqlQuery& ScopeTo(sql::SqlQuery& q, const Principal& principal, std::string_view column) {
  if (principal.is_operator()) return q;
  return q.Add(" AND " + std::string(column) + " = ?", principal.tenant_id());
}

}  // namespace arbor::catalog
