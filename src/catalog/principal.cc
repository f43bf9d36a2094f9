#include "catalog/principal.h"

#include <cassert>
#include <cstdlib>

namespace arbor::catalog {

Principal Principal::ForTenant(std::string tenant_id) {
  assert(!tenant_id.empty());
  if (tenant_id.empty()) std::abort();  // a scope of "" must never reach a query, even in release builds
  return Principal(false, std::move(tenant_id));
}

std::string Principal::ToString() const { return operator_ ? "operator" : "tenant:" + tenant_id_; }

Status RequireOperator(const Principal& p, std::string_view action) {
  if (p.is_operator()) return Status::Ok();
  return Status::PermissionDenied(std::string(action) + " needs the operator role");
}

Result<std::string> TargetTenant(const Principal& p, const std::string& requested) {
  if (p.is_operator()) {
    if (requested.empty()) return Status::InvalidArgument("the operator must name the tenant");
    return requested;
  }
  if (!requested.empty() && requested != p.tenant_id())
    return Status::NotFound("tenant " + requested + " not found");
  return p.tenant_id();
}

}  // namespace arbor::catalog
