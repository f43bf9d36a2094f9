// Schedules: "back up share S every 24h" (the seed's periodic snapshots), or at the
// times of a cron expression ("0 2 * * *": every day at 02:00 UTC, jobs/cron.h).
//
// A schedule holds its next due time. Every worker calls EnqueueDue() now and then; for
// each schedule whose time has come it advances the due time with a compare-and-swap and
// enqueues one job keyed by (schedule, due time), both in one transaction. However many
// workers race on one due time, exactly one job comes of it. After downtime a schedule
// fires once, not once per missed period, and its next due time stays on its grid (an
// interval's multiples from its first due time; a cron schedule's next matching minute).
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
  // First due time (ms since the epoch); empty: one interval from now, or the cron
  // expression's next time.
  std::optional<int64_t> first_due_ms;
  // A cron expression (jobs/cron.h); when set, `every` is not used.
  std::string cron;
};

struct Schedule {
  std::string id;
  std::string tenant_id;
  std::string share_id;
  JobType type = JobType::kBackup;
  int64_t every_ms = 0;  // 0 for a cron schedule
  std::string cron;      // empty for an interval schedule
  int64_t next_due_ms = 0;
  nlohmann::json payload;
  bool enabled = true;
  int64_t created_ms = 0;

  nlohmann::json ToJson() const;
  // "1d" (the interval) or "cron 0 2 * * *": for listings.
  std::string When() const;
};

class ScheduleStore {
 public:
  explicit ScheduleStore(catalog::Catalog& catalog) : catalog_(catalog) {}

  // NotFound when the share is not visible to `p`; InvalidArgument for an interval under
  // a second or a malformed cron expression.
  Result<Schedule> Add(const catalog::Principal& p, const ScheduleSpec& spec);
  Result<std::vector<Schedule>> List(const catalog::Principal& p);
  Status Remove(const catalog::Principal& p, const std::string& id);
  Status SetEnabled(const catalog::Principal& p, const std::string& id, bool enabled);

  // Worker side: enqueues the jobs of up to `limit` due schedules. Returns how many jobs
  // this call enqueued (other workers may have enqueued the rest).
  Result<int> EnqueueDue(int limit = 100);

 private:
  Result<bool> FireOne(const std::string& id, int64_t due_ms, const std::string& cron);

  catalog::Catalog& catalog_;
};

}  // namespace arbor::jobs
