// Shares: what gets backed up. A share is a source definition (a local POSIX tree or an
// Azure Files share) owned by one tenant, with its credential and the repository that its
// snapshots go to.
//
// Credentials are write-only through this API: listings carry a description ("encrypted",
// "env:NAME"), and only ResolveCredential returns the secret, to the worker that needs it.
// Thread safety: as the sql::SqlDatabase it uses.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "catalog/credential.h"
#include "catalog/principal.h"
#include "sql/sql_database.h"

namespace arbor::catalog {

enum class ShareKind { kPosix, kAzureFiles };

std::string_view ShareKindName(ShareKind kind);  // "posix", "azure-files"
Result<ShareKind> ParseShareKind(std::string_view name);

struct ShareSpec {
  std::string tenant_id;  // required for the operator; a tenant may leave it empty
  std::string name;       // unique within the tenant
  ShareKind kind = ShareKind::kPosix;
  // posix: an absolute path. azure-files: the share URL, e.g.
  // https://account.file.core.windows.net/share (no SAS in the URL: that is a credential).
  std::string location;
  // Azure: an account key, SAS token or connection string (the source decides by shape).
  CredentialInput credential;
  std::string repository_id;  // optional; must belong to the same tenant
};

struct Share {
  std::string id;
  std::string tenant_id;
  std::string name;
  ShareKind kind = ShareKind::kPosix;
  std::string location;
  std::string credential;  // DescribeCredential() of the stored value, never the secret
  std::string repository_id;
  int64_t created_ms = 0;

  // "{tenant_id}/{share_id}/": every object key of this share starts with it.
  std::string ObjectKeyPrefix() const { return tenant_id + "/" + id + "/"; }
  nlohmann::json ToJson() const;
};

// What an edit changes: each field that is set replaces the stored one (the API's PATCH).
struct ShareUpdate {
  std::optional<std::string> name;
  std::optional<std::string> location;
  std::optional<CredentialInput> credential;
  std::optional<std::string> repository_id;
};

class ShareStore {
 public:
  // `db` must outlive the store; `key` (may be null: then only env: credentials work)
  // too.
  ShareStore(sql::SqlDatabase& db, const SecretKey* key) : db_(db), key_(key) {}

  // AlreadyExists for a taken name; NotFound for a repository the tenant cannot see.
  Result<Share> Add(const Principal& p, const ShareSpec& spec);
  // The principal's shares; the operator sees all, or one tenant's with `tenant_id`.
  Result<std::vector<Share>> List(const Principal& p, const std::string& tenant_id = "");
  // By id or by name. For the operator a name may exist in several tenants:
  // InvalidArgument then, asking for the id.
  Result<Share> Find(const Principal& p, const std::string& id_or_name);
  // By id only: one primary-key lookup (Find's "or name" reads every share: no index
  // has names alone, since they are unique per tenant).
  Result<Share> Get(const Principal& p, const std::string& id);
  // The share's secret, for the worker that backs it up.
  Result<crypto::SecretBytes> ResolveCredential(const Principal& p, const std::string& share_id);
  // Changes the set fields of `update`, validated as Add validates them. NotFound when the
  // share is not visible; AlreadyExists for a name taken in the tenant.
  Result<Share> Update(const Principal& p, const std::string& share_id, const ShareUpdate& update);
  // Removes a share that nothing refers to any more. Busy while snapshots, jobs or
  // schedules of the share remain (forget or purge them first): removing the row must not
  // orphan a repository namespace that still holds data.
  Status Remove(const Principal& p, const std::string& share_id);

 private:
  sql::SqlDatabase& db_;
  const SecretKey* key_;
};

// The associated data that binds a sealed credential to its row.
std::string ShareCredentialAad(const std::string& tenant_id, const std::string& share_id);

}  // namespace arbor::catalog
