// Tenants: the unit of isolation. Every other catalog row belongs to exactly one tenant.
//
// A tenant may have a repository password: workers open and create the tenant's
// namespaces (encrypted, docs/format/encryption.md) with it. It is stored as credentials
// are (credential.h: sealed with the catalog key, or the name of a variable the workers
// hold) and is write-only: listings say "set" or "not set", and only
// ResolveRepositoryPassword returns it, scoped by the principal like every other call.
//
// Thread safety: as the sql::SqlDatabase it uses (calls are serialized per connection).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/status.h"
#include "catalog/credential.h"
#include "catalog/principal.h"
#include "sql/sql_database.h"

namespace arbor::catalog {

struct Tenant {
  std::string id;    // 16 hex digits; the first component of every object key
  std::string name;  // unique, chosen by the operator
  int64_t created_ms = 0;
  // "not set", "set" (sealed in the catalog) or "env:NAME"; never the password.
  std::string repository_password = "not set";

  nlohmann::json ToJson() const;
};

// The password workers open the tenant's namespaces with, and the Argon2id cost of the
// key objects they make for new namespaces (0: the defaults).
struct RepositoryPassword {
  crypto::SecretBytes password;  // empty: none set (namespaces are made unencrypted)
  uint32_t kdf_time_cost = 0;
  uint32_t kdf_memory_kib = 0;
};

struct RepositoryPasswordSpec {
  CredentialInput password;  // kInline (sealed: needs the catalog key) or kEnvironment
  uint32_t kdf_time_cost = 0;
  uint32_t kdf_memory_kib = 0;
  // A namespace made with the old password does not open with a new one, so replacing a
  // set password must be asked for.
  bool replace = false;
};

class TenantStore {
 public:
  // `db` must outlive the store.
  // `db` and `key` (may be null: then only env: passwords can be set or read) must outlive
  // the store.
  TenantStore(sql::SqlDatabase& db, const SecretKey* key) : db_(db), key_(key) {}

  // Operator only. AlreadyExists for a taken name.
  Result<Tenant> Add(const Principal& p, const std::string& name);
  // The operator sees all tenants (by name); a tenant sees itself.
  Result<std::vector<Tenant>> List(const Principal& p);
  // By id or name; NotFound when absent or not visible to `p`.
  Result<Tenant> Find(const Principal& p, const std::string& id_or_name);

  // The operator, or the tenant itself. NotFound for a tenant `p` cannot see;
  // AlreadyExists when a password is set and `spec.replace` is false; InvalidArgument for
  // an empty password or an inline one without the catalog key.
  Status SetRepositoryPassword(const Principal& p, const std::string& tenant_id,
                               const RepositoryPasswordSpec& spec);
  // For the worker that opens the tenant's namespaces. NotFound for a tenant `p` cannot
  // see; InvalidArgument naming ARBOR_CATALOG_KEY when the password is sealed and this
  // process has no catalog key.
  Result<RepositoryPassword> ResolveRepositoryPassword(const Principal& p, const std::string& tenant_id);

 private:
  sql::SqlDatabase& db_;
  const SecretKey* key_;
};

}  // namespace arbor::catalog
