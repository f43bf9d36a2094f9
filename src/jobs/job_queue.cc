// The user-facing half of JobQueue: submit, read, cancel, wait. Every query is scoped by
// the caller's Principal. (The worker-facing half is job_queue_workers.cc.)
#include "jobs/job_queue.h"

#include <thread>

#include "catalog/tenant_scope.h"
#include "jobs/job_rows.h"

namespace arbor::jobs {

using catalog::Principal;
using sql::SqlQuery;
using sql::SqlRows;

namespace {

// The job and all its descendants, as a CTE named `tree`.
constexpr const char* kTreeCte =
    "WITH RECURSIVE tree (id) AS (SELECT id FROM jobs WHERE id = ? AND tenant_id = ? "
    "UNION ALL SELECT j.id FROM jobs j JOIN tree t ON j.parent_id = t.id) ";

void Count(TreeSummary* s, JobState state, int n) {
  switch (state) {
    case JobState::kQueued:
      s->queued += n;
      break;
    case JobState::kRunning:
      s->running += n;
      break;
    case JobState::kSucceeded:
      s->succeeded += n;
      break;
    case JobState::kFailed:
      s->failed += n;
      break;
    case JobState::kCancelled:
      s->cancelled += n;
      break;
  }
  s->total += n;
}

}  // namespace

JobState TreeSummary::outcome() const {
  if (!done()) return running > 0 ? JobState::kRunning : JobState::kQueued;
  if (failed > 0) return JobState::kFailed;
  if (cancelled > 0) return JobState::kCancelled;
  return JobState::kSucceeded;
}

nlohmann::json TreeSummary::ToJson() const {
  return {{"job", job.ToJson()},
          {"outcome", JobStateName(outcome())},
          {"done", done()},
          {"jobs",
           {{"total", total},
            {"queued", queued},
            {"running", running},
            {"succeeded", succeeded},
            {"failed", failed},
            {"cancelled", cancelled}}},
          {"progress", {{"files", progress.files}, {"bytes", progress.bytes}}}};
}

Result<Job> JobQueue::Enqueue(const Principal& p, const JobSpec& spec) {
  if (spec.max_attempts < 1) return Status::InvalidArgument("max_attempts must be at least 1");
  internal::NewJob job;
  if (!spec.share_id.empty()) {
    auto share = catalog_.shares().Find(p, spec.share_id);
    if (!share.ok()) return share.status();
    if (!spec.tenant_id.empty() && spec.tenant_id != share->tenant_id) {
      return Status::NotFound("share " + spec.share_id + " not found");
    }
    job.tenant_id = share->tenant_id;
    job.share_id = share->id;
  } else {
    ARBOR_ASSIGN_OR_RETURN(job.tenant_id, catalog::TargetTenant(p, spec.tenant_id));
  }
  job.type = spec.type;
  job.payload = spec.payload;
  job.max_attempts = spec.max_attempts;
  job.priority = spec.priority;
  job.delay_ms = spec.delay.count();
  auto inserted = internal::InsertJob(catalog_.db(), job);
  if (inserted.status().Is(StatusCode::kInvalidArgument)) {
    return Status::NotFound("tenant " + job.tenant_id + " not found");  // the foreign key
  }
  if (!inserted.ok()) return inserted.status();
  if (!inserted->has_value()) return Status::Internal("job insert returned no row");
  return std::move(**inserted);
}

Result<Job> JobQueue::Get(const Principal& p, int64_t id) {
  SqlQuery q(std::string("SELECT ") + internal::kJobColumns + " FROM jobs WHERE id = ?", id);
  catalog::ScopeTo(q, p);
  ARBOR_ASSIGN_OR_RETURN(SqlRows rows, q.Run(catalog_.db()));
  if (rows.empty()) return Status::NotFound("job " + std::to_string(id) + " not found");
  return internal::JobFromRow(rows, 0);
}

Result<std::vector<Job>> JobQueue::List(const Principal& p, const JobFilter& filter) {
  SqlQuery q(std::string("SELECT ") + internal::kJobColumns + " FROM jobs WHERE 1 = 1");
  catalog::ScopeTo(q, p);
  if (filter.state) q.Add(" AND state = ?", std::string(JobStateName(*filter.state)));
  if (!filter.share_id.empty()) q.Add(" AND share_id = ?", filter.share_id);
  if (filter.root_id) q.Add(" AND (id = ? OR root_id = ?)", *filter.root_id, *filter.root_id);
  if (filter.roots_only) q.Add(" AND parent_id IS NULL");
  q.Add(" ORDER BY id DESC LIMIT ?", int64_t{filter.limit});
  ARBOR_ASSIGN_OR_RETURN(SqlRows rows, q.Run(catalog_.db()));
  std::vector<Job> out;
  for (size_t i = 0; i < rows.size(); ++i) out.push_back(internal::JobFromRow(rows, i));
  return out;
}

Result<Job> JobQueue::Cancel(const Principal& p, int64_t id) {
  ARBOR_ASSIGN_OR_RETURN(Job job, Get(p, id));
  SqlQuery q(kTreeCte, id, job.tenant_id);
  q.Add(
      "UPDATE jobs SET cancel_requested = 1, "
      "finished_ms = CASE WHEN state = 'queued' THEN now_ms() ELSE finished_ms END, "
      "error = CASE WHEN state = 'queued' THEN 'cancelled before it ran' ELSE error END, "
      "state = CASE WHEN state = 'queued' THEN 'cancelled' ELSE state END "
      "WHERE id IN (SELECT id FROM tree) AND state IN ('queued', 'running')");
  ARBOR_RETURN_IF_ERROR(q.Run(catalog_.db()).status());
  // A cancelled child may have been the last thing a barrier waited for.
  ARBOR_RETURN_IF_ERROR(internal::ReleaseBarriers(catalog_.db()));
  return Get(p, id);
}

Result<TreeSummary> JobQueue::Summarize(const Principal& p, int64_t id) {
  TreeSummary summary;
  ARBOR_ASSIGN_OR_RETURN(summary.job, Get(p, id));
  SqlQuery q(kTreeCte, id, summary.job.tenant_id);
  q.Add(
      "SELECT state, count(*) AS n, COALESCE(SUM(progress_files), 0) AS files, "
      "COALESCE(SUM(progress_bytes), 0) AS bytes FROM jobs WHERE id IN (SELECT id FROM tree) GROUP BY state");
  ARBOR_ASSIGN_OR_RETURN(SqlRows rows, q.Run(catalog_.db()));
  for (size_t i = 0; i < rows.size(); ++i) {
    ARBOR_ASSIGN_OR_RETURN(JobState state, ParseJobState(rows.Text(i, "state")));
    Count(&summary, state, static_cast<int>(rows.Int(i, "n")));
    summary.progress.files += rows.Int(i, "files");
    summary.progress.bytes += rows.Int(i, "bytes");
  }
  // Read the row again: the counts are a later statement than the first read, and a
  // summary that says "done" must not carry the job as it was while still running.
  ARBOR_ASSIGN_OR_RETURN(summary.job, Get(p, id));
  return summary;
}

Result<int> JobQueue::PurgeFinished(const Principal& p, int64_t cutoff_ms) {
  ARBOR_RETURN_IF_ERROR(catalog::RequireOperator(p, "purging jobs"));
  SqlQuery q(
      "DELETE FROM jobs WHERE COALESCE(root_id, id) IN (SELECT r.id FROM jobs r WHERE r.parent_id IS NULL "
      "AND r.state IN ('succeeded', 'failed', 'cancelled') AND r.finished_ms < ? AND NOT EXISTS "
      "(SELECT 1 FROM jobs d WHERE d.root_id = r.id AND (d.state IN ('queued', 'running') OR d.finished_ms "
      ">= ?)))",
      cutoff_ms, cutoff_ms);
  ARBOR_ASSIGN_OR_RETURN(SqlRows rows, q.Run(catalog_.db()));
  return static_cast<int>(rows.affected());
}

Result<TreeSummary> JobQueue::Wait(const Principal& p, int64_t id, std::chrono::milliseconds timeout,
                                   std::chrono::milliseconds poll) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    ARBOR_ASSIGN_OR_RETURN(TreeSummary summary, Summarize(p, id));
    if (summary.done()) return summary;
    if (std::chrono::steady_clock::now() >= deadline) {
      return Status::Unavailable("job " + std::to_string(id) + " still " +
                                 std::string(JobStateName(summary.outcome())) + " after the wait timeout");
    }
    std::this_thread::sleep_for(poll);
  }
}

}  // namespace arbor::jobs
