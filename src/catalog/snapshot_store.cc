#include "catalog/snapshot_store.h"

#include "catalog/ids.h"
#include "catalog/tenant_scope.h"

namespace arbor::catalog {
namespace {

constexpr const char* kSelect =
    "SELECT id, tenant_id, share_id, time_ms, job_id, stats, created_ms FROM snapshots WHERE 1 = 1";

Snapshot FromRow(const sql::SqlRows& rows, size_t i) {
  Snapshot s;
  s.id = rows.Text(i, "id");
  s.tenant_id = rows.Text(i, "tenant_id");
  s.share_id = rows.Text(i, "share_id");
  s.time_ms = rows.Int(i, "time_ms");
  s.job_id = rows.OptionalInt(i, "job_id");
  s.stats = nlohmann::json::parse(rows.Text(i, "stats"), nullptr, /*allow_exceptions=*/false);
  s.created_ms = rows.Int(i, "created_ms");
  return s;
}

// The share's tenant, or NotFound when `p` cannot see the share.
Result<std::string> ShareTenant(sql::SqlExecutor& db, const Principal& p, const std::string& share_id) {
  sql::SqlQuery q("SELECT tenant_id FROM shares WHERE id = ?", share_id);
  ScopeTo(q, p);
  ARBOR_ASSIGN_OR_RETURN(sql::SqlRows rows, q.Run(db));
  if (rows.empty()) return Status::NotFound("share " + share_id + " not found");
  return rows.Text(0, "tenant_id");
}

}  // namespace

nlohmann::json Snapshot::ToJson() const {
  nlohmann::json j = {{"id", id},           {"tenant_id", tenant_id}, {"share_id", share_id},
                      {"time_ms", time_ms}, {"stats", stats},         {"created_ms", created_ms}};
  j["job_id"] = job_id ? nlohmann::json(*job_id) : nlohmann::json(nullptr);
  return j;
}

Result<Snapshot> SnapshotStore::Record(const Principal& p, const SnapshotRecord& r) {
  ARBOR_ASSIGN_OR_RETURN(std::string tenant, ShareTenant(db_, p, r.share_id));
  std::string id = r.id.empty() ? NewId() : r.id;
  sql::SqlQuery q(
      "INSERT INTO snapshots (id, tenant_id, share_id, time_ms, job_id, stats, created_ms) "
      "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
      id, tenant, r.share_id, r.time_ms, sql::IntOrNull(r.job_id), r.stats.dump(), NowMs());
  ARBOR_RETURN_IF_ERROR(q.Run(db_).status());
  sql::SqlQuery existing(kSelect);
  existing.Add(" AND id = ? AND tenant_id = ? AND share_id = ?", id, tenant, r.share_id);
  ARBOR_ASSIGN_OR_RETURN(sql::SqlRows rows, existing.Run(db_));
  if (rows.empty()) return Status::AlreadyExists("snapshot id " + id + " is taken");
  return FromRow(rows, 0);
}

Result<std::vector<Snapshot>> SnapshotStore::List(const Principal& p, const std::string& share_id) {
  ARBOR_ASSIGN_OR_RETURN(std::string tenant, ShareTenant(db_, p, share_id));
  sql::SqlQuery q(kSelect);
  q.Add(" AND tenant_id = ? AND share_id = ? ORDER BY time_ms DESC, id", tenant, share_id);
  ARBOR_ASSIGN_OR_RETURN(sql::SqlRows rows, q.Run(db_));
  std::vector<Snapshot> out;
  for (size_t i = 0; i < rows.size(); ++i) out.push_back(FromRow(rows, i));
  return out;
}

Result<Snapshot> SnapshotStore::Get(const Principal& p, const std::string& id) {
  sql::SqlQuery q(kSelect);
  ScopeTo(q.Add(" AND id = ?", id), p);
  ARBOR_ASSIGN_OR_RETURN(sql::SqlRows rows, q.Run(db_));
  if (rows.empty()) return Status::NotFound("snapshot " + id + " not found");
  return FromRow(rows, 0);
}

Status SnapshotStore::Forget(const Principal& p, const std::string& id) {
  sql::SqlQuery q("DELETE FROM snapshots WHERE id = ?", id);
  ScopeTo(q, p);
  ARBOR_ASSIGN_OR_RETURN(sql::SqlRows rows, q.Run(db_));
  if (rows.affected() == 0) return Status::NotFound("snapshot " + id + " not found");
  return Status::Ok();
}

}  // namespace arbor::catalog
