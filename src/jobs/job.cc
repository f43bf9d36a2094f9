#include "jobs/job.h"

#include <array>
#include <utility>

namespace arbor::jobs {
namespace {

constexpr std::array<std::pair<JobType, std::string_view>, 6> kTypeNames = {{
    {JobType::kScan, "scan"},
    {JobType::kBackup, "backup"},
    {JobType::kRestore, "restore"},
    {JobType::kVerify, "verify"},
    {JobType::kPrune, "prune"},
    {JobType::kAssemble, "assemble"},
}};

constexpr std::array<std::pair<JobState, std::string_view>, 5> kStateNames = {{
    {JobState::kQueued, "queued"},
    {JobState::kRunning, "running"},
    {JobState::kSucceeded, "succeeded"},
    {JobState::kFailed, "failed"},
    {JobState::kCancelled, "cancelled"},
}};

nlohmann::json OptionalJson(const std::optional<int64_t>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

std::string_view JobTypeName(JobType type) {
  for (const auto& [t, name] : kTypeNames) {
    if (t == type) return name;
  }
  return "unknown";
}

std::string_view JobStateName(JobState state) {
  for (const auto& [s, name] : kStateNames) {
    if (s == state) return name;
  }
  return "unknown";
}

Result<JobType> ParseJobType(std::string_view name) {
  for (const auto& [t, n] : kTypeNames) {
    if (n == name) return t;
  }
  return Status::InvalidArgument("unknown job type '" + std::string(name) +
                                 "' (scan, backup, restore, verify, prune, assemble)");
}

Result<JobState> ParseJobState(std::string_view name) {
  for (const auto& [s, n] : kStateNames) {
    if (n == name) return s;
  }
  return Status::InvalidArgument("unknown job state '" + std::string(name) + "'");
}

bool IsTerminal(JobState state) {
  return state == JobState::kSucceeded || state == JobState::kFailed || state == JobState::kCancelled;
}

nlohmann::json Job::ToJson() const {
  return {{"id", id},
          {"tenant_id", tenant_id},
          {"share_id", share_id},
          {"type", JobTypeName(type)},
          {"state", JobStateName(state)},
          {"payload", payload},
          {"priority", priority},
          {"attempts", attempts},
          {"max_attempts", max_attempts},
          {"worker", lease_owner},
          {"cancel_requested", cancel_requested},
          {"progress", {{"files", progress_files}, {"bytes", progress_bytes}}},
          {"error", error},
          {"parent_id", OptionalJson(parent_id)},
          {"root_id", tree_root()},
          {"barrier_id", OptionalJson(barrier_id)},
          {"child_key", child_key},
          {"schedule_id", schedule_id},
          {"created_ms", created_ms},
          {"started_ms", started_ms},
          {"finished_ms", finished_ms}};
}

}  // namespace arbor::jobs
