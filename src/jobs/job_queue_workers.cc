// The worker-facing half of JobQueue: claim, heartbeat, fan-out, outcome, lease reaping.
// Workers act for all tenants; every write is fenced by the Lease (job, worker, attempt).
#include "jobs/job_queue.h"
#include "jobs/job_rows.h"
#include "sql/sql_query.h"

namespace arbor::jobs {

using sql::SqlDialect;
using sql::SqlQuery;
using sql::SqlRows;

namespace {

// The fencing condition of every worker write.
constexpr const char* kFenced = " WHERE id = ? AND lease_owner = ? AND attempts = ? AND state = 'running'";

SqlQuery& AddFence(SqlQuery& q, const Lease& lease) {
  return q.Add(kFenced, lease.job_id, lease.worker_id, int64_t{lease.attempt});
}

Status LeaseLost(const Lease& lease) {
  return Status::Cancelled("lease on job " + std::to_string(lease.job_id) + " (attempt " +
                           std::to_string(lease.attempt) + ") is no longer held by " + lease.worker_id);
}

SqlQuery ClaimQuery(SqlDialect dialect, const std::string& worker_id, const std::vector<JobType>& types,
                    std::chrono::milliseconds lease) {
  SqlQuery q(
      "UPDATE jobs SET state = 'running', lease_owner = ?, lease_expires_ms = now_ms() + ?, "
      "heartbeat_ms = now_ms(), attempts = attempts + 1, started_ms = COALESCE(started_ms, now_ms()), "
      // Progress is the current attempt's: an attempt after a crash starts over.
      "progress_files = 0, progress_bytes = 0 "
      "WHERE id = (SELECT j.id FROM jobs j WHERE j.state = 'queued' AND j.run_after_ms <= now_ms() "
      "AND j.cancel_requested = 0 AND j.type IN (",
      worker_id, int64_t{lease.count()});
  for (size_t i = 0; i < types.size(); ++i) q.Add(i == 0 ? "?" : ", ?", std::string(JobTypeName(types[i])));
  // Barrier jobs need no test here: they are held (run_after_ms far ahead) until released.
  q.Add(") ORDER BY j.priority DESC, j.id LIMIT 1");
  // Postgres: lock the picked row, skipping rows other claimers hold, so claims never
  // queue behind each other. SQLite has one writer at a time, which is the same guarantee.
  if (dialect == SqlDialect::kPostgres) q.Add(" FOR UPDATE OF j SKIP LOCKED");
  q.Add(") RETURNING ").Add(internal::kJobColumns);
  return q;
}

struct Verdict {
  JobState state;
  std::string error;
  int64_t delay_ms = 0;
};

Verdict Judge(const Status& outcome, int attempt, int max_attempts, bool cancel_requested,
              const RetryPolicy& policy) {
  if (outcome.ok()) return {JobState::kSucceeded, ""};
  if (outcome.Is(StatusCode::kCancelled) || cancel_requested) {
    return {JobState::kCancelled, outcome.ToString()};
  }
  std::string tries = std::to_string(attempt) + " of " + std::to_string(max_attempts);
  if (!IsRetryable(outcome.code())) {
    return {JobState::kFailed, outcome.ToString() + " (permanent error: not retried; attempt " + tries + ")"};
  }
  if (attempt >= max_attempts) {
    return {JobState::kFailed, outcome.ToString() + " (gave up after attempt " + tries + ")"};
  }
  auto delay = policy.BackoffAfter(attempt);
  return {JobState::kQueued,
          "attempt " + tries + " failed, retrying in " + std::to_string(delay.count()) +
              " ms: " + outcome.ToString(),
          delay.count()};
}

// Records a verdict on the leased job: its new state, error, backoff and final progress.
Result<SqlRows> Finish(sql::SqlExecutor& db, const Lease& lease, const Verdict& v, const Progress& progress) {
  SqlQuery update(
      "UPDATE jobs SET state = ?, error = ?, run_after_ms = now_ms() + ?, lease_expires_ms = NULL, "
      "progress_files = ?, progress_bytes = ?, finished_ms = CASE WHEN ? = 1 THEN now_ms() ELSE NULL END",
      std::string(JobStateName(v.state)), sql::TextOrNull(v.error), v.delay_ms, progress.files,
      progress.bytes, int64_t{IsTerminal(v.state) ? 1 : 0});
  AddFence(update, lease).Add(" RETURNING parent_id");
  return update.Run(db);
}

// After a job ended: barriers waiting on its parent or on itself may be free to run.
Status AfterTerminal(sql::SqlExecutor& db, const Lease& lease, const SqlRows& finished) {
  std::vector<int64_t> barriers = {lease.job_id};
  if (auto parent = finished.OptionalInt(0, "parent_id")) barriers.push_back(*parent);
  return internal::ReleaseBarriers(db, barriers);
}

}  // namespace

Result<std::optional<Job>> JobQueue::Claim(const std::string& worker_id, const std::vector<JobType>& types,
                                           std::chrono::milliseconds lease) {
  if (types.empty()) return std::optional<Job>();
  auto& db = catalog_.db();
  SqlQuery q = ClaimQuery(db.dialect(), worker_id, types, lease);
  SqlRows rows;
  if (db.dialect() == SqlDialect::kPostgres) {
    ARBOR_ASSIGN_OR_RETURN(rows, q.Run(db));
  } else {
    ARBOR_RETURN_IF_ERROR(db.Transact([&](sql::SqlExecutor& tx) -> Status {
      ARBOR_ASSIGN_OR_RETURN(rows, q.Run(tx));
      return Status::Ok();
    }));
  }
  if (rows.empty()) return std::optional<Job>();
  return std::optional<Job>(internal::JobFromRow(rows, 0));
}

Result<LeaseState> JobQueue::Heartbeat(const Lease& lease, std::chrono::milliseconds length,
                                       const Progress& progress) {
  SqlQuery q(
      "UPDATE jobs SET lease_expires_ms = now_ms() + ?, heartbeat_ms = now_ms(), progress_files = ?, "
      "progress_bytes = ?",
      int64_t{length.count()}, progress.files, progress.bytes);
  AddFence(q, lease).Add(" RETURNING cancel_requested");
  ARBOR_ASSIGN_OR_RETURN(SqlRows rows, q.Run(catalog_.db()));
  if (rows.empty()) return LeaseState::kLost;
  return rows.Int(0, "cancel_requested") != 0 ? LeaseState::kCancelRequested : LeaseState::kHeld;
}

Result<Job> JobQueue::EnqueueChild(const Lease& lease, const ChildJobSpec& spec) {
  if (spec.key.empty()) return Status::InvalidArgument("a child job needs a key (its idempotency key)");
  Job child;
  ARBOR_RETURN_IF_ERROR(catalog_.db().Transact([&](sql::SqlExecutor& tx) -> Status {
    SqlQuery parent("SELECT id, tenant_id, share_id, root_id FROM jobs");
    AddFence(parent, lease);
    ARBOR_ASSIGN_OR_RETURN(SqlRows rows, parent.Run(tx));
    if (rows.empty()) return LeaseLost(lease);
    internal::NewJob job;
    job.tenant_id = rows.Text(0, "tenant_id");
    job.share_id = spec.share_id.empty() ? rows.Text(0, "share_id") : spec.share_id;
    job.type = spec.type;
    job.payload = spec.payload;
    job.max_attempts = spec.max_attempts;
    job.parent_id = lease.job_id;
    job.root_id = rows.OptionalInt(0, "root_id").value_or(lease.job_id);
    if (spec.after_siblings) job.barrier_id = lease.job_id;
    job.child_key = spec.key;
    ARBOR_ASSIGN_OR_RETURN(auto inserted, internal::InsertJob(tx, job));
    if (inserted) {
      child = std::move(*inserted);
      return Status::Ok();
    }
    SqlQuery existing(
        std::string("SELECT ") + internal::kJobColumns + " FROM jobs WHERE parent_id = ? AND child_key = ?",
        lease.job_id, spec.key);
    ARBOR_ASSIGN_OR_RETURN(SqlRows found, existing.Run(tx));
    if (found.empty()) return Status::Internal("child job vanished: " + spec.key);
    child = internal::JobFromRow(found, 0);
    return Status::Ok();
  }));
  return child;
}

Result<JobState> JobQueue::Complete(const Lease& lease, const Status& outcome, const Progress& progress,
                                    const RetryPolicy& policy) {
  // Success is the common case and needs nothing read first: one fenced statement.
  if (outcome.ok()) {
    ARBOR_ASSIGN_OR_RETURN(SqlRows rows, Finish(catalog_.db(), lease, {JobState::kSucceeded, ""}, progress));
    if (rows.empty()) return LeaseLost(lease);
    ARBOR_RETURN_IF_ERROR(AfterTerminal(catalog_.db(), lease, rows));
    return JobState::kSucceeded;
  }
  JobState final_state = JobState::kQueued;
  SqlRows finished;
  ARBOR_RETURN_IF_ERROR(catalog_.db().Transact([&](sql::SqlExecutor& tx) -> Status {
    SqlQuery current("SELECT max_attempts, cancel_requested FROM jobs");
    AddFence(current, lease);
    ARBOR_ASSIGN_OR_RETURN(SqlRows rows, current.Run(tx));
    if (rows.empty()) return LeaseLost(lease);
    Verdict v = Judge(outcome, lease.attempt, static_cast<int>(rows.Int(0, "max_attempts")),
                      rows.Int(0, "cancel_requested") != 0, policy);
    ARBOR_ASSIGN_OR_RETURN(finished, Finish(tx, lease, v, progress));
    if (finished.empty()) return LeaseLost(lease);
    final_state = v.state;
    return Status::Ok();
  }));
  // After the commit, so that the release sees this job as ended.
  if (IsTerminal(final_state)) ARBOR_RETURN_IF_ERROR(AfterTerminal(catalog_.db(), lease, finished));
  return final_state;
}

Result<std::optional<std::string>> JobQueue::PrerequisiteFailure(const Job& job) {
  if (!job.barrier_id) return std::optional<std::string>();
  int64_t barrier = *job.barrier_id;
  SqlQuery q(
      "SELECT id, state, error FROM jobs WHERE (id = ? OR parent_id = ?) AND id <> ? "
      "AND state IN ('failed', 'cancelled') AND (barrier_id IS NULL OR barrier_id <> ?) ORDER BY id LIMIT 1",
      barrier, barrier, job.id, barrier);
  ARBOR_ASSIGN_OR_RETURN(SqlRows rows, q.Run(catalog_.db()));
  if (rows.empty()) return std::optional<std::string>();
  return std::optional<std::string>("prerequisite job " + rows.Text(0, "id") + " " + rows.Text(0, "state") +
                                    ": " + rows.Text(0, "error"));
}

Result<int> JobQueue::ReapExpiredLeases(int limit) {
  auto& db = catalog_.db();
  SqlQuery q(
      "UPDATE jobs SET "
      "error = CASE WHEN cancel_requested = 1 "
      "THEN 'cancelled (its worker stopped before seeing the request)' "
      "ELSE 'lease expired: worker ' || lease_owner || ' stopped heartbeating during attempt ' "
      "|| attempts || CASE WHEN attempts >= max_attempts THEN '; no attempts left' ELSE '' END END, "
      "finished_ms = CASE WHEN cancel_requested = 1 OR attempts >= max_attempts THEN now_ms() ELSE NULL END, "
      "state = CASE WHEN cancel_requested = 1 THEN 'cancelled' "
      "WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END, "
      "run_after_ms = now_ms(), lease_expires_ms = NULL "
      "WHERE state = 'running' AND lease_expires_ms < now_ms() AND id IN (SELECT id FROM jobs "
      "WHERE state = 'running' AND lease_expires_ms < now_ms() ORDER BY id LIMIT ?",
      int64_t{limit});
  if (db.dialect() == SqlDialect::kPostgres) q.Add(" FOR UPDATE SKIP LOCKED");
  q.Add(")");
  ARBOR_ASSIGN_OR_RETURN(SqlRows rows, q.Run(db));
  int reaped = static_cast<int>(rows.affected());
  // The safety net for barrier releases missed by a process that died between ending a
  // job and releasing its barriers (and the release after reaped jobs ended).
  ARBOR_RETURN_IF_ERROR(internal::ReleaseBarriers(db));
  return reaped;
}

}  // namespace arbor::jobs
