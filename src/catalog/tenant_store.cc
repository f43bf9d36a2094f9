#include "catalog/tenant_store.h"

#include "catalog/ids.h"
#include "catalog/tenant_scope.h"

namespace arbor::catalog {
namespace {

constexpr const char* kColumns = "SELECT id, name, created_ms, repository_password FROM tenants WHERE 1 = 1";

std::string DescribePassword(std::string_view stored) {
  if (stored.empty()) return "not set";
  if (stored.rfind("env:", 0) == 0) return std::string(stored);
  return "set";
}

Tenant FromRow(const sql::SqlRows& rows, size_t i) {
  return Tenant{rows.Text(i, "id"), rows.Text(i, "name"), rows.Int(i, "created_ms"),
                DescribePassword(rows.Text(i, "repository_password"))};
}

std::string PasswordAad(const std::string& tenant_id) { return "repository-password:" + tenant_id; }

}  // namespace

nlohmann::json Tenant::ToJson() const {
  return {
      {"id", id}, {"name", name}, {"created_ms", created_ms}, {"repository_password", repository_password}};
}

Result<Tenant> TenantStore::Add(const Principal& p, const std::string& name) {
  ARBOR_RETURN_IF_ERROR(RequireOperator(p, "adding a tenant"));
  ARBOR_RETURN_IF_ERROR(ValidateName("tenant", name));
  Tenant t{NewId(), name, NowMs(), DescribePassword("")};
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

Status TenantStore::SetRepositoryPassword(const Principal& p, const std::string& tenant_id,
                                          const RepositoryPasswordSpec& spec) {
  if (spec.password.kind == CredentialInput::Kind::kNone) {
    return Status::InvalidArgument("no repository password given");
  }
  ARBOR_ASSIGN_OR_RETURN(Tenant tenant, Find(p, tenant_id));
  ARBOR_ASSIGN_OR_RETURN(std::string stored, EncodeCredential(spec.password, key_, PasswordAad(tenant.id)));
  auto kdf = [](uint32_t v) { return sql::IntOrNull(v == 0 ? std::nullopt : std::optional<int64_t>(v)); };
  sql::SqlQuery q(
      "UPDATE tenants SET repository_password = ?, repository_kdf_time_cost = ?, "
      "repository_kdf_memory_kib = ? WHERE id = ?",
      stored, kdf(spec.kdf_time_cost), kdf(spec.kdf_memory_kib), tenant.id);
  if (!spec.replace) q.Add(" AND repository_password IS NULL");
  ScopeTo(q, p, "id");
  ARBOR_ASSIGN_OR_RETURN(sql::SqlRows updated, q.Run(db_));
  if (updated.affected() == 0) {
    return Status::AlreadyExists("tenant " + tenant.name +
                                 " already has a repository password: namespaces made with it do not open "
                                 "with another; to replace it anyway (after `arbor key add` on each of its "
                                 "namespaces), pass --replace");
  }
  return Status::Ok();
}

Result<RepositoryPassword> TenantStore::ResolveRepositoryPassword(const Principal& p,
                                                                  const std::string& tenant_id) {
  sql::SqlQuery q(
      "SELECT repository_password, repository_kdf_time_cost, repository_kdf_memory_kib FROM tenants "
      "WHERE id = ?",
      tenant_id);
  ScopeTo(q, p, "id");
  ARBOR_ASSIGN_OR_RETURN(sql::SqlRows rows, q.Run(db_));
  if (rows.empty()) return Status::NotFound("tenant " + tenant_id + " not found");
  RepositoryPassword out;
  auto secret = catalog::ResolveCredential(rows.Text(0, "repository_password"), key_, PasswordAad(tenant_id));
  if (!secret.ok()) return secret.status().Annotate("repository password of tenant " + tenant_id);
  out.password = std::move(secret).value();
  out.kdf_time_cost = static_cast<uint32_t>(rows.Int(0, "repository_kdf_time_cost"));
  out.kdf_memory_kib = static_cast<uint32_t>(rows.Int(0, "repository_kdf_memory_kib"));
  return out;
}

}  // namespace arbor::catalog
