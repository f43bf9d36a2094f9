// Tenants: the unit of isolation. Every other catalog row belongs to exactly one tenant.
//
// Thread safety: as the sql::SqlDatabase it uses (calls are serialized per connection).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/status.h"
#include "catalog/principal.h"
#include "sql/sql_database.h"

namespace arbor::catalog {

struct Tenant {
  std::string id;    // 16 hex digits; the first component of every object key
  std::string name;  // unique, chosen by the operator
  int64_t created_ms = 0;

  nlohmann::json ToJson() const;
};

class TenantStore {
 public:
  // `db` must outlive the store.
  explicit TenantStore(sql::SqlDatabase& db) : db_(db) {}

  // Operator only. AlreadyExists for a taken name.
  Result<Tenant> Add(const Principal& p, const std::string& name);
  // The operator sees all tenants (by name); a tenant sees itself.
  Result<std::vector<Tenant>> List(const Principal& p);
  // By id or name; NotFound when absent or not visible to `p`.
  Result<Tenant> Find(const Principal& p, const std::string& id_or_name);

 private:
  sql::SqlDatabase& db_;
};

}  // namespace arbor::catalog
