// WorkerRegistry: the workers table, so that operators can see the fleet (`arbor worker
// list`, the API). Rows are advisory: correctness rests on job leases, never on this
// table, and a killed worker's row simply stops being refreshed.
// Thread safety: as the Catalog it is built on.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "catalog/catalog.h"
#include "catalog/principal.h"
#include "jobs/job.h"

namespace arbor::jobs {

struct WorkerInfo {
  std::string id;
  std::string host;
  int64_t pid = 0;
  std::string types;  // comma-separated job types it runs
  int64_t started_ms = 0;
  int64_t seen_ms = 0;  // last sign of life
  std::optional<int64_t> job_id;

  nlohmann::json ToJson() const;
};

class WorkerRegistry {
 public:
  explicit WorkerRegistry(catalog::Catalog& catalog) : catalog_(catalog) {}

  Status Register(const std::string& id, const std::vector<JobType>& types);
  Status Touch(const std::string& id, std::optional<int64_t> job_id);
  Status Unregister(const std::string& id);
  // Operator only: workers serve every tenant. Those seen within `seen_within_ms` (0: all).
  Result<std::vector<WorkerInfo>> List(const catalog::Principal& p, int64_t seen_within_ms = 0);
  // Removes rows not seen for `older_than_ms` (workers killed without unregistering).
  Result<int> Prune(int64_t older_than_ms);

 private:
  catalog::Catalog& catalog_;
};

// "<hostname>-<pid>-<4 random hex>": unique across restarts and pods.
std::string DefaultWorkerId();

}  // namespace arbor::jobs
