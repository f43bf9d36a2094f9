// Jobs: the units of work in the queue (docs/catalog.md, "Queue semantics").
//
// A job belongs to one tenant (and usually one share), has a type that picks its handler,
// a JSON payload that the handler interprets, and a life of
//   queued -> running -> succeeded | failed | cancelled
// with detours running -> queued for a retry (after a backoff) or when its worker's lease
// expires. Jobs form trees: a job may enqueue children (fan-out), and a child may wait as a
// barrier for its parent and all of the parent's other children (fan-in).
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace arbor::jobs {

enum class JobType { kScan, kBackup, kRestore, kVerify, kPrune, kAssemble };
enum class JobState { kQueued, kRunning, kSucceeded, kFailed, kCancelled };

std::string_view JobTypeName(JobType type);     // "scan", "backup", ...
std::string_view JobStateName(JobState state);  // "queued", "running", ...
Result<JobType> ParseJobType(std::string_view name);
Result<JobState> ParseJobState(std::string_view name);
bool IsTerminal(JobState state);

inline constexpr int kDefaultMaxAttempts = 5;

struct Job {
  int64_t id = 0;
  std::string tenant_id;
  std::string share_id;  // empty when the job is not about one share
  JobType type = JobType::kBackup;
  JobState state = JobState::kQueued;
  nlohmann::json payload = nlohmann::json::object();
  int priority = 0;
  int attempts = 0;  // attempts started so far (the running one included)
  int max_attempts = kDefaultMaxAttempts;
  int64_t run_after_ms = 0;  // not claimed before this time (backoff)
  std::string lease_owner;   // the worker running it, or that ran it last
  int64_t lease_expires_ms = 0;
  bool cancel_requested = false;
  int64_t progress_files = 0;
  int64_t progress_bytes = 0;
  std::string error;  // the last attempt's error; the final one when failed
  std::optional<int64_t> parent_id;
  std::optional<int64_t> root_id;     // the tree's root (empty for a root)
  std::optional<int64_t> barrier_id;  // claimable only after this job and its children end
  std::string child_key;              // unique among the parent's children
  std::string schedule_id;            // set when a schedule enqueued it
  int64_t created_ms = 0;
  int64_t started_ms = 0;
  int64_t finished_ms = 0;

  int64_t tree_root() const { return root_id.value_or(id); }
  nlohmann::json ToJson() const;
};

// What a user (or the API) submits.
struct JobSpec {
  JobType type = JobType::kBackup;
  // The tenant: taken from the share when share_id is set; otherwise required for the
  // operator and implied for a tenant principal.
  std::string tenant_id;
  std::string share_id;
  nlohmann::json payload = nlohmann::json::object();
  int max_attempts = kDefaultMaxAttempts;
  int priority = 0;  // higher first
  std::chrono::milliseconds delay{0};
};

// What a running job's handler enqueues below itself (JobContext::EnqueueChild).
struct ChildJobSpec {
  JobType type = JobType::kBackup;
  // Unique among this parent's children. Enqueuing the same key again returns the
  // existing child: a retried fan-out does not duplicate work.
  std::string key;
  std::string share_id;  // empty: the parent's share (always the parent's tenant)
  nlohmann::json payload = nlohmann::json::object();
  int max_attempts = kDefaultMaxAttempts;
  // A barrier child (e.g. "assemble") becomes claimable only when the parent and all of
  // the parent's other children have ended; it fails without running if any of them
  // failed or was cancelled.
  bool after_siblings = false;
};

// Totals reported by a running handler.
struct Progress {
  int64_t files = 0;
  int64_t bytes = 0;
};

}  // namespace arbor::jobs
