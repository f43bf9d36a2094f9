// Totals over the whole job queue, for monitoring (`arbor serve`'s /metrics): how many jobs
// are in each state, and the files and bytes that jobs of each type have reported. Reads
// every tenant's rows: callers must be the operator (or an unauthenticated listener the
// operator chose to open).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "base/status.h"
#include "catalog/catalog.h"

namespace arbor::jobs {

struct JobTotals {
  int64_t jobs = 0;
  int64_t files = 0;  // progress_files summed
  int64_t bytes = 0;  // progress_bytes summed
};

// By (state, type) name, e.g. {"succeeded", "backup"}. One GROUP BY query.
Result<std::map<std::pair<std::string, std::string>, JobTotals>> CountJobs(catalog::Catalog& catalog);

}  // namespace arbor::jobs
