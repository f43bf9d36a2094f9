// ProgressRelay: while an engine operation runs, copies its ProgressCounters into the
// job's progress, so the worker's heartbeat carries files and bytes to the catalog (and
// `arbor job show` to users). A small thread beside the operation; RAII.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "pipeline/progress.h"
#include "jobs/job_handler.h"

namespace arbor::job_handlers {

class ProgressRelay {
 public:
  // `ctx` and `counters` must outlive the relay. `base` is added to the counters (work
  // done before this operation, e.g. by an earlier step of the same job).
  ProgressRelay(jobs::JobContext& ctx, const ProgressCounters& counters, jobs::Progress base = {},
                std::chrono::milliseconds every = std::chrono::milliseconds(250));
  // Copies the final totals and joins the thread.
  ~ProgressRelay();
  ProgressRelay(const ProgressRelay&) = delete;
  ProgressRelay& operator=(const ProgressRelay&) = delete;

 private:
  void Copy();

  jobs::JobContext& ctx_;
  const ProgressCounters& counters_;
  const jobs::Progress base_;
  const std::chrono::milliseconds every_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace arbor::job_handlers
