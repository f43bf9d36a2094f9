// What the dashboard shows of each share, for every share the caller sees, from one SQL
// statement: snapshot count and newest time, the newest root job's state and time, and
// the count of failed root jobs. The dashboard used to ask three queries per share (3,000
// for 1,000 shares), each waiting its turn on the catalog's one connection.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "base/status.h"
#include "catalog/catalog.h"
#include "catalog/principal.h"
#include "jobs/job.h"

namespace arbor::server {

struct ShareSummary {
  int64_t snapshots = 0;
  std::optional<int64_t> last_snapshot_ms;   // the newest snapshot's time
  std::optional<jobs::JobState> last_state;  // the newest root job's state
  int64_t last_state_ms = 0;                 // when it finished, else when it was made
  int64_t failures = 0;                      // failed root jobs
};

// By share id, every share `p` sees (a tenant: its own).
Result<std::map<std::string, ShareSummary>> SummarizeShares(catalog::Catalog& catalog,
                                                            const catalog::Principal& p);

}  // namespace arbor::server
