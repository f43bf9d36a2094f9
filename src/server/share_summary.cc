#include "server/share_summary.h"

#include "catalog/tenant_scope.h"
#include "sql/sql_query.h"

namespace arbor::server {

Result<std::map<std::string, ShareSummary>> SummarizeShares(catalog::Catalog& catalog,
                                                            const catalog::Principal& p) {
  // Correlated subqueries: each reads the share's rows through the snapshots_by_share and
  // jobs_by_tenant indexes; "root job" is the job queue's roots_only (parent_id IS NULL).
  constexpr const char* kJob =
      "FROM jobs j WHERE j.tenant_id = s.tenant_id AND j.share_id = s.id "
      "AND j.parent_id IS NULL";
  sql::SqlQuery q(
      std::string("SELECT s.id AS share_id, "
                  "(SELECT COUNT(*) FROM snapshots n WHERE n.tenant_id = s.tenant_id AND "
                  "n.share_id = s.id) AS snapshots, "
                  "(SELECT MAX(n.time_ms) FROM snapshots n WHERE n.tenant_id = s.tenant_id AND "
                  "n.share_id = s.id) AS last_snapshot_ms, "
                  "(SELECT j.state ") +
      kJob + " ORDER BY j.id DESC LIMIT 1) AS last_state, (SELECT COALESCE(j.finished_ms, j.created_ms) " +
      kJob + " ORDER BY j.id DESC LIMIT 1) AS last_state_ms, (SELECT COUNT(*) " + kJob +
      " AND j.state = 'failed') AS failures FROM shares s WHERE 1 = 1");
  catalog::ScopeTo(q, p, "s.tenant_id");
  ARBOR_ASSIGN_OR_RETURN(sql::SqlRows rows, q.Run(catalog.db()));
  std::map<std::string, ShareSummary> out;
  for (size_t i = 0; i < rows.size(); ++i) {
    ShareSummary s;
    s.snapshots = rows.Int(i, "snapshots");
    s.last_snapshot_ms = rows.OptionalInt(i, "last_snapshot_ms");
    if (!rows.IsNull(i, "last_state")) {
      ARBOR_ASSIGN_OR_RETURN(s.last_state, jobs::ParseJobState(rows.Text(i, "last_state")));
      s.last_state_ms = rows.Int(i, "last_state_ms");
    }
    s.failures = rows.Int(i, "failures");
    out[rows.Text(i, "share_id")] = s;
  }
  return out;
}

}  // namespace arbor::server
