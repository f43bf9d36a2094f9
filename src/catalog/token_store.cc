#include "catalog/token_store.h"

#include "catalog/api_token.h"
#include "catalog/ids.h"
#include "catalog/tenant_scope.h"

namespace arbor::catalog {
namespace {

constexpr const char* kSelect =
    "SELECT id, tenant_id, role, name, created_ms, revoked_ms FROM api_tokens WHERE 1 = 1";

ApiToken FromRow(const sql::SqlRows& rows, size_t i) {
  ApiToken t;
  t.id = rows.Text(i, "id");
  t.tenant_id = rows.Text(i, "tenant_id");
  t.role = rows.Text(i, "role") == "operator" ? TokenRole::kOperator : TokenRole::kTenant;
  t.name = rows.Text(i, "name");
  t.created_ms = rows.Int(i, "created_ms");
  t.revoked_ms = rows.OptionalInt(i, "revoked_ms");
  return t;
}

}  // namespace

nlohmann::json ApiToken::ToJson() const {
  nlohmann::json j = {{"id", id},
                      {"tenant_id", tenant_id},
                      {"role", role == TokenRole::kOperator ? "operator" : "tenant"},
                      {"name", name},
                      {"created_ms", created_ms}};
  j["revoked_ms"] = revoked_ms ? nlohmann::json(*revoked_ms) : nlohmann::json(nullptr);
  return j;
}

Result<CreatedToken> TokenStore::Create(const Principal& p, const std::string& tenant_id, TokenRole role,
                                        const std::string& name) {
  ARBOR_RETURN_IF_ERROR(ValidateName("token", name));
  CreatedToken created;
  created.token.role = role;
  if (role == TokenRole::kOperator) {
    ARBOR_RETURN_IF_ERROR(RequireOperator(p, "creating an operator token"));
  } else {
    ARBOR_ASSIGN_OR_RETURN(created.token.tenant_id, TargetTenant(p, tenant_id));
  }
  created.token.id = NewId();
  created.token.name = name;
  created.token.created_ms = NowMs();
  created.secret = GenerateApiToken();
  sql::SqlQuery q(
      "INSERT INTO api_tokens (id, tenant_id, role, name, hash, created_ms) VALUES (?, ?, ?, ?, ?, ?)",
      created.token.id, sql::TextOrNull(created.token.tenant_id),
      std::string(role == TokenRole::kOperator ? "operator" : "tenant"), name, HashApiToken(created.secret),
      created.token.created_ms);
  auto inserted = q.Run(db_);
  if (inserted.status().Is(StatusCode::kInvalidArgument))
    return Status::NotFound("tenant " + tenant_id + " not found");
  if (!inserted.ok()) return inserted.status();
  return created;
}

Result<std::vector<ApiToken>> TokenStore::List(const Principal& p) {
  sql::SqlQuery q(kSelect);
  ScopeTo(q, p).Add(" ORDER BY created_ms, id");
  ARBOR_ASSIGN_OR_RETURN(sql::SqlRows rows, q.Run(db_));
  std::vector<ApiToken> out;
  for (size_t i = 0; i < rows.size(); ++i) out.push_back(FromRow(rows, i));
  return out;
}

Status TokenStore::Revoke(const Principal& p, const std::string& token_id) {
  sql::SqlQuery q("UPDATE api_tokens SET revoked_ms = ? WHERE id = ? AND revoked_ms IS NULL", NowMs(),
                  token_id);
  ScopeTo(q, p);
  ARBOR_ASSIGN_OR_RETURN(sql::SqlRows rows, q.Run(db_));
  if (rows.affected() == 0) return Status::NotFound("token " + token_id + " not found");
  return Status::Ok();
}

Result<Principal> TokenStore::Authenticate(const std::string& secret) {
  const Status denied = Status::PermissionDenied("invalid or revoked API token");
  if (!LooksLikeApiToken(secret)) return denied;
  sql::SqlQuery q("SELECT tenant_id, role FROM api_tokens WHERE hash = ? AND revoked_ms IS NULL",
                  HashApiToken(secret));
  ARBOR_ASSIGN_OR_RETURN(sql::SqlRows rows, q.Run(db_));
  if (rows.empty()) return denied;
  if (rows.Text(0, "role") == "operator") return Principal::Operator();
  return Principal::ForTenant(rows.Text(0, "tenant_id"));
}

}  // namespace arbor::catalog
