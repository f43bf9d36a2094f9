// Schedules: "back up share S every 24h" (the seed's periodic snapshots).
//
// A schedule holds its next due time. Every worker calls EnqueueDue() now and then; for
// each schedule whose time has come it advances the due time with a compare-and-swap and
// enqueues one job keyed by (schedule, due time), both in one transaction. However many
// workers race on one due time, exactly one job comes of it. After downtime a schedule
// fires once, not once per missed period, and its next due time stays on its grid.
// Thread safety: as the Catalog it is built on.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "catalog/catalog.h"
#include "catalog/principal.h"
#include "jobs/job.h"

namespace arbor::jobs {

struct ScheduleSpec {
  std::string share_id;  // id or name; the schedule belongs to the share's tenant
  JobType type = JobType::kBackup;
  std::chrono::milliseconds every{std::chrono::hours(24)};
  nlohmann::json payload = nlohmann::json::object();
  // First due time (ms since the epoch); empty: one interval from now.
  std::optional<int64_t> first_due_ms;
};

struct Schedule {
  std::string id;
  std::string tenant_id;
  std::string share_id;
  JobType type = JobType::kBackup;
  int64_t every_ms = 0;
  int64_t next_due_ms = 0;
  nlohmann::json payload;
  bool enabled = true;
  int64_t created_ms = 0;

  nlohmann::json ToJson() const;
};

class ScheduleStore {
 public:
  explicit ScheduleStore(catalog::Catalog& catalog) : catalog_(catalog) {}

  // NotFound when the share is not visible to `p`.
  Result<Schedule> Add(const catalog::Principal& p, const ScheduleSpec& spec);
  Result<std::vector<Schedule>> List(const catalog::Principal& p);
  Status Remove(const catalog::Principal& p, const std::string& id);
  Status SetEnabled(const catalog::Principal& p, const std::string& id, bool enabled);

  // Worker side: enqueues the jobs of up to `limit` due schedules. Returns how many jobs
  // this call enqueued (other workers may have enqueued the rest).
  Result<int> EnqueueDue(int limit = 100);

 private:
  Result<bool> FireOne(const std::string& id, int64_t due_ms);

  catalog::Catalog& catalog_;
};

}  // namespace arbor::jobs
