#include "catalog/tenant_store.h"

#include "catalog/ids.h"
#include "catalog/tenant_scope.h"

namespace arbor::catalog {
namespace {

constexpr const char* kColumns = "SELECT id, name, created_ms FROM tenants WHERE 1 = 1";

Tenant FromRow(const sql::SqlRows& rows, size_t i) {
  return Tenant{rows.Text(i, "id"), rows.Text(i, "name"), rows.Int(i, "created_ms")};
}

}  // namespace

nlohmann::json Tenant::ToJson() const { return {{"id", id}, {"name", name}, {"created_ms", created_ms}}; }

Result<Tenant> TenantStore::Add(const Principal& p, const std::string& name) {
  ARBOR_RETURN_IF_ERROR(RequireOperator(p, "adding a tenant"));
  ARBOR_RETURN_IF_ERROR(ValidateName("tenant", name));
  Tenant t{NewId(), name, NowMs()};
  auto inserted =
      sql::SqlQuery("INSERT INTO tenants (id, name, created_ms) VALUES (?, ?, ?)", t.id, t.name, t.created_ms)
          .Run(db_);
  if (inserted.status().Is(StatusCode::kAlreadyExists))
    return Status::AlreadyExists("tenant " + name + " exists");
  if (!inserted.ok()) return inserted.status();
  return t;
}

Result<std::vector<Tenant>> TenantStore::List(const Principal& p) {
  sql::SqlQuery q(kColumns);
  ScopeTo(q, p, "id").Add(" ORDER BY name");
  ARBOR_ASSIGN_OR_RETURN(sql::SqlRows rows, q.Run(db_));
  std::vector<Tenant> out;
  for (size_t i = 0; i < rows.size(); ++i) out.push_back(FromRow(rows, i));
  return out;
}

Result<Tenant> TenantStore::Find(const Principal& p, const std::string& id_or_name) {
  sql::SqlQuery q(kColumns);
  ScopeTo(q.Add(" AND (id = ? OR name = ?)", id_or_name, id_or_name), p, "id");
  ARBOR_ASSIGN_OR_RETURN(sql::SqlRows rows, q.Run(db_));
  if (rows.empty()) return Status::NotFound("tenant " + id_or_name + " not found");
  return FromRow(rows, 0);
}

}  // namespace arbor::catalog
