#include "jobs/job_rows.h"

#include "catalog/ids.h"
#include "sql/sql_query.h"

namespace arbor::jobs::internal {

using sql::SqlQuery;
using sql::SqlRows;

Job JobFromRow(const SqlRows& rows, size_t i) {
  Job j;
  j.id = rows.Int(i, "id");
  j.tenant_id = rows.Text(i, "tenant_id");
  j.share_id = rows.Text(i, "share_id");
  j.type = ParseJobType(rows.Text(i, "type")).value();
  j.state = ParseJobState(rows.Text(i, "state")).value();
  j.payload = nlohmann::json::parse(rows.Text(i, "payload"), nullptr, /*allow_exceptions=*/false);
  j.priority = static_cast<int>(rows.Int(i, "priority"));
  j.attempts = static_cast<int>(rows.Int(i, "attempts"));
  j.max_attempts = static_cast<int>(rows.Int(i, "max_attempts"));
  j.run_after_ms = rows.Int(i, "run_after_ms");
  j.lease_owner = rows.Text(i, "lease_owner");
  j.lease_expires_ms = rows.Int(i, "lease_expires_ms");
  j.cancel_requested = rows.Int(i, "cancel_requested") != 0;
  j.progress_files = rows.Int(i, "progress_files");
  j.progress_bytes = rows.Int(i, "progress_bytes");
  j.error = rows.Text(i, "error");
  j.parent_id = rows.OptionalInt(i, "parent_id");
  j.root_id = rows.OptionalInt(i, "root_id");
  j.barrier_id = rows.OptionalInt(i, "barrier_id");
  j.child_key = rows.Text(i, "child_key");
  j.schedule_id = rows.Text(i, "schedule_id");
  j.created_ms = rows.Int(i, "created_ms");
  j.started_ms = rows.Int(i, "started_ms");
  j.finished_ms = rows.Int(i, "finished_ms");
  return j;
}

Result<std::optional<Job>> InsertJob(sql::SqlExecutor& db, const NewJob& job) {
  if (job.max_attempts < 1) return Status::InvalidArgument("max_attempts must be at least 1");
  SqlQuery q(
      "INSERT INTO jobs (tenant_id, share_id, type, state, payload, priority, max_attempts, run_after_ms, "
      "parent_id, root_id, barrier_id, child_key, schedule_id, due_ms, created_ms) "
      "VALUES (?, ?, ?, 'queued', ?, ?, ?, COALESCE(?, now_ms() + ?), ?, ?, ?, ?, ?, ?, now_ms()) "
      "ON CONFLICT DO NOTHING RETURNING ",
      job.tenant_id, sql::TextOrNull(job.share_id), std::string(JobTypeName(job.type)), job.payload.dump(),
      int64_t{job.priority}, int64_t{job.max_attempts},
      sql::IntOrNull(job.barrier_id ? std::optional<int64_t>(kHeldUntilReleased) : std::nullopt),
      job.delay_ms, sql::IntOrNull(job.parent_id), sql::IntOrNull(job.root_id),
      sql::IntOrNull(job.barrier_id), sql::TextOrNull(job.child_key), sql::TextOrNull(job.schedule_id),
      sql::IntOrNull(job.due_ms));
  q.Add(kJobColumns);
  ARBOR_ASSIGN_OR_RETURN(SqlRows rows, q.Run(db));
  if (rows.empty()) return std::optional<Job>();
  return std::optional<Job>(JobFromRow(rows, 0));
}

Status ReleaseBarriers(sql::SqlExecutor& db, const std::vector<int64_t>& barrier_ids) {
  static_assert(kHeldUntilReleased == 4611686018427387904, "the literal below and migration 4 must match");
  // A literal, not a parameter, so that Postgres matches the partial index jobs_held.
  SqlQuery q(
      "UPDATE jobs SET run_after_ms = now_ms() WHERE state = 'queued' AND run_after_ms >= 4611686018427387904 "
      "AND barrier_id IS NOT NULL "
      "AND (SELECT b.state FROM jobs b WHERE b.id = jobs.barrier_id) IN ('succeeded', 'failed', 'cancelled') "
      "AND NOT EXISTS (SELECT 1 FROM jobs c WHERE c.parent_id = jobs.barrier_id AND c.state IN ('queued', "
      "'running') "
      "AND (c.barrier_id IS NULL OR c.barrier_id <> jobs.barrier_id))");
  for (size_t i = 0; i < barrier_ids.size(); ++i) {
    q.Add(i == 0 ? " AND barrier_id IN (?" : ", ?", barrier_ids[i]);
  }
  if (!barrier_ids.empty()) q.Add(")");
  return q.Run(db).status();
}

}  // namespace arbor::jobs::internal
