// Repositories: object stores that hold a tenant's backup data. A repository belongs to
// one tenant; the engine writes each share's objects under the share's key prefix
// "{tenant_id}/{share_id}/", so one tenant's data is separable, deletable and exportable
// on its own, and dedup never crosses tenants.
//
// Thread safety: as the sql::SqlDatabase it uses.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/status.h"
#include "catalog/credential.h"
#include "catalog/principal.h"
#include "sql/sql_database.h"

namespace arbor::catalog {

struct RepositorySpec {
  std::string tenant_id;  // required for the operator; a tenant may leave it empty
  std::string name;       // unique within the tenant
  // The object store, as the store layer parses it: file:///path (or a plain absolute
  // path), azblob://..., s3://..., sftp://... Secrets go in `credential`, not the URL.
  std::string url;
  CredentialInput credential;
};

struct Repository {
  std::string id;
  std::string tenant_id;
  std::string name;
  std::string url;
  std::string credential;  // DescribeCredential() of the stored value
  int64_t created_ms = 0;

  nlohmann::json ToJson() const;
};

class RepositoryStore {
 public:
  RepositoryStore(sql::SqlDatabase& db, const SecretKey* key) : db_(db), key_(key) {}

  Result<Repository> Add(const Principal& p, const RepositorySpec& spec);
  Result<std::vector<Repository>> List(const Principal& p);
  // By id or name (InvalidArgument when an operator's name matches in several tenants).
  Result<Repository> Find(const Principal& p, const std::string& id_or_name);
  Result<crypto::SecretBytes> ResolveCredential(const Principal& p, const std::string& repository_id);

 private:
  sql::SqlDatabase& db_;
  const SecretKey* key_;
};

}  // namespace arbor::catalog
