#include "catalog/share_store.h"

#include "catalog/ids.h"
#include "catalog/share_row.h"
#include "catalog/tenant_scope.h"

namespace arbor::catalog {
namespace {

constexpr const char* kSelect =
    "SELECT id, tenant_id, name, kind, location, credential, repository_id, created_ms FROM shares WHERE 1 = "
    "1";

}  // namespace

Share ShareFromRow(const sql::SqlRows& rows, size_t i) {
  Share s;
  s.id = rows.Text(i, "id");
  s.tenant_id = rows.Text(i, "tenant_id");
  s.name = rows.Text(i, "name");
  s.kind = ParseShareKind(rows.Text(i, "kind")).value();
  s.location = rows.Text(i, "location");
  s.credential = DescribeCredential(rows.Text(i, "credential"));
  s.repository_id = rows.Text(i, "repository_id");
  s.created_ms = rows.Int(i, "created_ms");
  return s;
}

namespace {

Status ValidateLocation(ShareKind kind, const std::string& location) {
  if (kind == ShareKind::kPosix) {
    if (location.empty() || location[0] != '/')
      return Status::InvalidArgument("a posix share needs an absolute path");
    return Status::Ok();
  }
  if (location.rfind("https://", 0) != 0 && location.rfind("http://", 0) != 0) {
    return Status::InvalidArgument("an azure-files share needs an http(s) URL of the share");
  }
  if (location.find('?') != std::string::npos) {
    // A SAS in the URL would be stored and listed in clear.
    return Status::InvalidArgument("put the SAS token in the credential, not in the share URL");
  }
  return Status::Ok();
}

}  // namespace

std::string_view ShareKindName(ShareKind kind) { return kind == ShareKind::kPosix ? "posix" : "azure-files"; }

Result<ShareKind> ParseShareKind(std::string_view name) {
  if (name == "posix") return ShareKind::kPosix;
  if (name == "azure-files" || name == "azure") return ShareKind::kAzureFiles;
  return Status::InvalidArgument("unknown share kind '" + std::string(name) + "' (posix or azure-files)");
}

std::string ShareCredentialAad(const std::string& tenant_id, const std::string& share_id) {
  return "share:" + tenant_id + "/" + share_id;
}

nlohmann::json Share::ToJson() const {
  return {{"id", id},
          {"tenant_id", tenant_id},
          {"name", name},
          {"kind", ShareKindName(kind)},
          {"location", location},
          {"credential", credential},
          {"repository_id", repository_id},
          {"object_key_prefix", ObjectKeyPrefix()},
          {"created_ms", created_ms}};
}

Result<Share> ShareStore::Add(const Principal& p, const ShareSpec& spec) {
  ARBOR_ASSIGN_OR_RETURN(std::string tenant, TargetTenant(p, spec.tenant_id));
  ARBOR_RETURN_IF_ERROR(ValidateName("share", spec.name));
  ARBOR_RETURN_IF_ERROR(ValidateLocation(spec.kind, spec.location));
  std::string id = NewId();
  ARBOR_ASSIGN_OR_RETURN(std::string credential,
                         EncodeCredential(spec.credential, key_, ShareCredentialAad(tenant, id)));
  sql::SqlQuery q(
      "INSERT INTO shares (id, tenant_id, name, kind, location, credential, repository_id, created_ms) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      id, tenant, spec.name, std::string(ShareKindName(spec.kind)), spec.location,
      sql::TextOrNull(credential), sql::TextOrNull(spec.repository_id), NowMs());
  auto inserted = q.Run(db_);
  if (inserted.status().Is(StatusCode::kAlreadyExists)) {
    return Status::AlreadyExists("share " + spec.name + " exists in this tenant");
  }
  if (inserted.status().Is(StatusCode::kInvalidArgument)) {
    // The composite foreign keys: an unknown tenant, or a repository of another tenant.
    return Status::NotFound("tenant " + tenant + " or repository " + spec.repository_id + " not found");
  }
  if (!inserted.ok()) return inserted.status();
  return Find(p, id);
}

Result<std::vector<Share>> ShareStore::List(const Principal& p, const std::string& tenant_id) {
  sql::SqlQuery q(kSelect);
  ScopeTo(q, p);
  if (!tenant_id.empty()) q.Add(" AND tenant_id = ?", tenant_id);
  q.Add(" ORDER BY tenant_id, name");
  ARBOR_ASSIGN_OR_RETURN(sql::SqlRows rows, q.Run(db_));
  std::vector<Share> out;
  for (size_t i = 0; i < rows.size(); ++i) out.push_back(ShareFromRow(rows, i));
  return out;
}

Result<Share> ShareStore::Find(const Principal& p, const std::string& id_or_name) {
  sql::SqlQuery q(kSelect);
  ScopeTo(q.Add(" AND (id = ? OR name = ?)", id_or_name, id_or_name), p);
  ARBOR_ASSIGN_OR_RETURN(sql::SqlRows rows, q.Run(db_));
  if (rows.empty()) return Status::NotFound("share " + id_or_name + " not found");
  if (rows.size() > 1) {
    return Status::InvalidArgument("share name " + id_or_name +
                                   " exists in several tenants: use the share id");
  }
  return ShareFromRow(rows, 0);
}

Result<Share> ShareStore::Get(const Principal& p, const std::string& id) {
  sql::SqlQuery q(kSelect);
  ScopeTo(q.Add(" AND id = ?", id), p);
  ARBOR_ASSIGN_OR_RETURN(sql::SqlRows rows, q.Run(db_));
  if (rows.empty()) return Status::NotFound("share " + id + " not found");
  return ShareFromRow(rows, 0);
}

Result<crypto::SecretBytes> ShareStore::ResolveCredential(const Principal& p, const std::string& share_id) {
  sql::SqlQuery q("SELECT tenant_id, credential FROM shares WHERE id = ?", share_id);
  ScopeTo(q, p);
  ARBOR_ASSIGN_OR_RETURN(sql::SqlRows rows, q.Run(db_));
  if (rows.empty()) return Status::NotFound("share " + share_id + " not found");
  auto secret = catalog::ResolveCredential(rows.Text(0, "credential"), key_,
                                           ShareCredentialAad(rows.Text(0, "tenant_id"), share_id));
  if (!secret.ok()) return secret.status().Annotate("credential of share " + share_id);
  return secret;
}

Result<Share> ShareStore::Update(const Principal& p, const std::string& share_id, const ShareUpdate& update) {
  ARBOR_ASSIGN_OR_RETURN(Share current, Find(p, share_id));
  if (current.id != share_id) return Status::NotFound("share " + share_id + " not found");
  if (update.name) ARBOR_RETURN_IF_ERROR(ValidateName("share", *update.name));
  if (update.location) ARBOR_RETURN_IF_ERROR(ValidateLocation(current.kind, *update.location));
  sql::SqlQuery q("UPDATE shares SET name = ?, location = ?, repository_id = ?",
                  update.name.value_or(current.name), update.location.value_or(current.location),
                  sql::TextOrNull(update.repository_id.value_or(current.repository_id)));
  if (update.credential) {
    ARBOR_ASSIGN_OR_RETURN(
        std::string credential,
        EncodeCredential(*update.credential, key_, ShareCredentialAad(current.tenant_id, current.id)));
    q.Add(", credential = ?", sql::TextOrNull(credential));
  }
  ScopeTo(q.Add(" WHERE id = ?", current.id), p);
  auto updated = q.Run(db_);
  if (updated.status().Is(StatusCode::kAlreadyExists)) {
    return Status::AlreadyExists("share " + update.name.value_or("") + " exists in this tenant");
  }
  if (updated.status().Is(StatusCode::kInvalidArgument)) {
    return Status::NotFound("repository " + update.repository_id.value_or("") + " not found");
  }
  if (!updated.ok()) return updated.status();
  return Find(p, current.id);
}

Status ShareStore::Remove(const Principal& p, const std::string& share_id) {
  ARBOR_ASSIGN_OR_RETURN(Share current, Find(p, share_id));
  if (current.id != share_id) return Status::NotFound("share " + share_id + " not found");
  sql::SqlQuery q("DELETE FROM shares WHERE id = ?", current.id);
  auto removed = ScopeTo(q, p).Run(db_);
  if (removed.status().Is(StatusCode::kInvalidArgument)) {
    // The foreign keys of snapshots, jobs and schedules that still name the share.
    return Status::Busy("share " + current.name + " still has snapshots, jobs or schedules");
  }
  return removed.status();
}

}  // namespace arbor::catalog
