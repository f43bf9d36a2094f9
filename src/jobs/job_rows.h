// Internal to arbor_jobs: how a Job maps to a row of the jobs table, and the one INSERT
// that every way of creating a job (submit, fan-out, schedules) goes through.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "jobs/job.h"
#include "sql/sql_database.h"

namespace arbor::jobs::internal {

// The column list every SELECT / RETURNING of whole jobs uses.
inline constexpr const char* kJobColumns =
    "id, tenant_id, share_id, type, state, payload, priority, attempts, max_attempts, run_after_ms, "
    "lease_owner, lease_expires_ms, cancel_requested, progress_files, progress_bytes, error, parent_id, "
    "root_id, barrier_id, child_key, schedule_id, created_ms, started_ms, finished_ms";

// The run_after_ms of a barrier job until it is released: far enough in the future that
// no claim considers it, so a waiting "assemble" costs the claim path nothing.
inline constexpr int64_t kHeldUntilReleased = int64_t{1} << 62;

Job JobFromRow(const sql::SqlRows& rows, size_t i);

struct NewJob {
  std::string tenant_id;
  std::string share_id;
  JobType type = JobType::kBackup;
  nlohmann::json payload = nlohmann::json::object();
  int max_attempts = kDefaultMaxAttempts;
  int priority = 0;
  int64_t delay_ms = 0;
  std::optional<int64_t> parent_id;
  std::optional<int64_t> root_id;
  std::optional<int64_t> barrier_id;
  std::string child_key;
  std::string schedule_id;
  std::optional<int64_t> due_ms;
};

// Inserts a queued job (held until released when it has a barrier). nullopt when the
// (parent, child_key) or (schedule, due_ms) pair already exists: the caller then reads the
// existing row.
Result<std::optional<Job>> InsertJob(sql::SqlExecutor& db, const NewJob& job);

// Makes held barrier jobs claimable once their barrier job and all its other children
// have ended. With ids, only barriers of those jobs (the parent and the job that just
// ended); without, every held barrier (the reaper's safety net).
Status ReleaseBarriers(sql::SqlExecutor& db, const std::vector<int64_t>& barrier_ids = {});

}  // namespace arbor::jobs::internal
