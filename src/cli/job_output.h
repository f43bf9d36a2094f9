// What the job commands share: printing jobs and job trees, the exit code of an outcome,
// logging for worker loops, and running a job in this process (the embedded default).
#pragma once

#include <string>

#include "cli/catalog_context.h"
#include "jobs/job_queue.h"

namespace arbor::cli {

// 0 succeeded, 1 failed, 13 cancelled, 14 not done yet.
int ExitCodeFor(const jobs::TreeSummary& summary);

void PrintJobTable(const GlobalOptions& g, const std::vector<jobs::Job>& jobs);
// One job tree: the root, totals, and (when it fanned out) its children.
void PrintSummary(const GlobalOptions& g, const jobs::TreeSummary& summary, const std::vector<jobs::Job>& tree);

// Worker logs go to stderr (stdout carries results). `level`: trace, debug, info, warn,
// error; empty: $ARBOR_LOG_LEVEL, else `fallback`.
void ConfigureLogging(const std::string& level, const std::string& fallback);

// Runs the queue in this process until job `id`'s tree is done (other ready jobs may run
// first), then returns its summary. The embedded default: no `arbor worker` needed.
Result<jobs::TreeSummary> RunJobInProcess(CatalogSession& s, const GlobalOptions& g, int64_t id);

// A job id from the command line (InvalidArgument for anything but a positive integer).
Result<int64_t> ParseJobId(const std::string& text);

}  // namespace arbor::cli
