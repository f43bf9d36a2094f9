#include "catalog/repository_store.h"

#include <regex>

#include "catalog/ids.h"
#include "catalog/tenant_scope.h"

namespace arbor::catalog {
namespace {

constexpr const char* kSelect =
    "SELECT id, tenant_id, name, url, credential, created_ms FROM repositories WHERE 1 = 1";

Repository FromRow(const sql::SqlRows& rows, size_t i) {
  return Repository{rows.Text(i, "id"),
                    rows.Text(i, "tenant_id"),
                    rows.Text(i, "name"),
                    rows.Text(i, "url"),
                    DescribeCredential(rows.Text(i, "credential")),
                    rows.Int(i, "created_ms")};
}

Status ValidateUrl(const std::string& url) {
  static const std::regex kScheme("^(file|azblob|s3|sftp)://.+");
  static const std::regex kPassword("^[a-z0-9]+://[^/@]*:[^/@]*@");
  if (!url.empty() && url[0] == '/') return Status::Ok();
  if (!std::regex_search(url, kScheme)) {
    return Status::InvalidArgument("repository URL '" + url +
                                   "' must be a path or file://, azblob://, s3://, sftp://");
  }
  if (std::regex_search(url, kPassword)) {
    return Status::InvalidArgument("put the password in the repository credential, not in the URL");
  }
  return Status::Ok();
}

std::string Aad(const std::string& tenant_id, const std::string& id) {
  return "repository:" + tenant_id + "/" + id;
}

}  // namespace

nlohmann::json Repository::ToJson() const {
  return {{"id", id},   {"tenant_id", tenant_id},   {"name", name},
          {"url", url}, {"credential", credential}, {"created_ms", created_ms}};
}

Result<Repository> RepositoryStore::Add(const Principal& p, const RepositorySpec& spec) {
  ARBOR_ASSIGN_OR_RETURN(std::string tenant, TargetTenant(p, spec.tenant_id));
  ARBOR_RETURN_IF_ERROR(ValidateName("repository", spec.name));
  ARBOR_RETURN_IF_ERROR(ValidateUrl(spec.url));
  std::string id = NewId();
  ARBOR_ASSIGN_OR_RETURN(std::string credential, EncodeCredential(spec.credential, key_, Aad(tenant, id)));
  sql::SqlQuery q(
      "INSERT INTO repositories (id, tenant_id, name, url, credential, created_ms) VALUES (?, ?, ?, ?, ?, ?)",
      id, tenant, spec.name, spec.url, sql::TextOrNull(credential), NowMs());
  auto inserted = q.Run(db_);
  if (inserted.status().Is(StatusCode::kAlreadyExists)) {
    return Status::AlreadyExists("repository " + spec.name + " exists in this tenant");
  }
  if (inserted.status().Is(StatusCode::kInvalidArgument))
    return Status::NotFound("tenant " + tenant + " not found");
  if (!inserted.ok()) return inserted.status();
  return Find(p, id);
}

Result<std::vector<Repository>> RepositoryStore::List(const Principal& p) {
  sql::SqlQuery q(kSelect);
  ScopeTo(q, p).Add(" ORDER BY tenant_id, name");
  ARBOR_ASSIGN_OR_RETURN(sql::SqlRows rows, q.Run(db_));
  std::vector<Repository> out;
  for (size_t i = 0; i < rows.size(); ++i) out.push_back(FromRow(rows, i));
  return out;
}

Result<Repository> RepositoryStore::Find(const Principal& p, const std::string& id_or_name) {
  sql::SqlQuery q(kSelect);
  ScopeTo(q.Add(" AND (id = ? OR name = ?)", id_or_name, id_or_name), p);
  ARBOR_ASSIGN_OR_RETURN(sql::SqlRows rows, q.Run(db_));
  if (rows.empty()) return Status::NotFound("repository " + id_or_name + " not found");
  if (rows.size() > 1) {
    return Status::InvalidArgument("repository name " + id_or_name +
                                   " exists in several tenants: use the id");
  }
  return FromRow(rows, 0);
}

Result<crypto::SecretBytes> RepositoryStore::ResolveCredential(const Principal& p,
                                                               const std::string& repository_id) {
  sql::SqlQuery q("SELECT tenant_id, credential FROM repositories WHERE id = ?", repository_id);
  ScopeTo(q, p);
  ARBOR_ASSIGN_OR_RETURN(sql::SqlRows rows, q.Run(db_));
  if (rows.empty()) return Status::NotFound("repository " + repository_id + " not found");
  auto secret = catalog::ResolveCredential(rows.Text(0, "credential"), key_,
                                           Aad(rows.Text(0, "tenant_id"), repository_id));
  if (!secret.ok()) return secret.status().Annotate("credential of repository " + repository_id);
  return secret;
}

}  // namespace arbor::catalog
