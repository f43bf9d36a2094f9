// API tokens: per-tenant bearer tokens, plus operator tokens that see every tenant.
// Stored as SHA-256 hashes (api_token.h); the plaintext exists once, in Create's result.
// Thread safety: as the sql::SqlDatabase it uses.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "catalog/principal.h"
#include "sql/sql_database.h"

namespace arbor::catalog {

enum class TokenRole { kTenant, kOperator };

struct ApiToken {
  std::string id;
  std::string tenant_id;  // empty for an operator token
  TokenRole role = TokenRole::kTenant;
  std::string name;
  int64_t created_ms = 0;
  std::optional<int64_t> revoked_ms;

  nlohmann::json ToJson() const;  // never includes the secret or its hash
};

struct CreatedToken {
  ApiToken token;
  std::string secret;  // "arbor_<64 hex>": show it to the user once, store it nowhere
};

class TokenStore {
 public:
  explicit TokenStore(sql::SqlDatabase& db) : db_(db) {}

  // Operator tokens need the operator. A tenant may create tokens for itself.
  Result<CreatedToken> Create(const Principal& p, const std::string& tenant_id, TokenRole role,
                              const std::string& name);
  Result<std::vector<ApiToken>> List(const Principal& p);
  Status Revoke(const Principal& p, const std::string& token_id);
  // The principal a presented token stands for. PermissionDenied for an unknown,
  // malformed or revoked token (one message for all, so a caller learns nothing).
  Result<Principal> Authenticate(const std::string& secret);

 private:
  sql::SqlDatabase& db_;
};

}  // namespace arbor::catalog
