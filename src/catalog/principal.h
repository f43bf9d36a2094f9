// Principal: who is asking. Every catalog and queue call that reads or changes tenant data
// takes one, and every query it runs is scoped by it.
//
// A tenant principal sees only its own tenant's rows. Rows of another tenant are reported
// as NotFound, never PermissionDenied, so a tenant cannot even learn that an id exists.
// The operator role sees every tenant (the local CLI on an embedded SQLite catalog, the
// workers, and holders of an operator token).
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace arbor::catalog {

class Principal {
 public:
  static Principal Operator() { return Principal(true, std::string()); }
  // `tenant_id` must not be empty (asserted): an empty id would scope to nothing.
  static Principal ForTenant(std::string tenant_id);

  bool is_operator() const { return operator_; }
  // Empty for the operator.
  const std::string& tenant_id() const { return tenant_id_; }
  bool CanSee(std::string_view tenant_id) const { return operator_ || tenant_id == tenant_id_; }
  // "operator" or "tenant:<id>", for logs.
  std::string ToString() const;

 private:
  Principal(bool op, std::string tenant_id) : operator_(op), tenant_id_(std::move(tenant_id)) {}

  bool operator_;
  std::string tenant_id_;
};

// PermissionDenied unless `p` is the operator ("adding a tenant needs the operator role").
Status RequireOperator(const Principal& p, std::string_view action);

// The tenant that a new row created by `p` belongs to: the operator must name one
// (InvalidArgument otherwise); a tenant gets its own, and naming another tenant is
// NotFound, as if that tenant did not exist.
Result<std::string> TargetTenant(const Principal& p, const std::string& requested);

}  // namespace arbor::catalog
