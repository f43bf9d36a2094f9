// Worker: the loop of `arbor worker` (and of the embedded CLI, which runs jobs in-process).
//
// A worker is stateless: all it needs is a catalog and the handlers. It repeatedly
//   1. enqueues due schedules and requeues jobs whose lease expired (every worker does
//      both; the queue makes them safe to run concurrently),
//   2. claims the next ready job of a type it has a handler for,
//   3. runs the handler while a LeaseKeeper thread renews the lease every heartbeat and
//      relays cancellation,
//   4. records the outcome (retry with backoff, or a final state).
// Start N workers and the work spreads; kill one and its job's lease expires and another
// worker runs the job again (handlers are idempotent, see job_handler.h).
//
// Thread safety: Run() on one thread; Stop() from any thread, and it is async-signal-safe
// (it only stores to an atomic), so a SIGTERM handler may call it.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "base/status.h"
#include "catalog/catalog.h"
#include "jobs/job_handler.h"
#include "jobs/job_queue.h"
#include "jobs/retry_policy.h"
#include "jobs/worker_registry.h"

namespace arbor::jobs {

struct WorkerOptions {
  std::string worker_id;  // empty: "<host>-<pid>-<random>"
  std::chrono::milliseconds lease{std::chrono::seconds(30)};
  std::chrono::milliseconds heartbeat{0};     // 0: lease / 3
  std::chrono::milliseconds idle_poll{1000};  // sleep when no job is ready
  std::chrono::milliseconds reap_every{0};    // 0: every lease / 2
  std::chrono::milliseconds schedules_every{std::chrono::seconds(10)};
  RetryPolicy retry;
  bool exit_when_idle = false;  // return from Run() when no job is ready
  int64_t max_jobs = 0;         // return after this many jobs (0: never)
  // Return from Run() once this job's whole tree has ended (the embedded CLI: submit,
  // then run in-process until that job is done, retries and fan-out included).
  std::optional<int64_t> until_done;
  // Run() gives up when every catalog call has failed for this long.
  std::chrono::milliseconds give_up_after{std::chrono::minutes(2)};
};

class Worker {
 public:
  // Runs jobs from `catalog` (not owned; must outlive the worker and may be shared with
  // the rest of the process) with `handlers` (not owned, must outlive the worker).
  Worker(catalog::Catalog& catalog, const HandlerRegistry& handlers, WorkerOptions options);
  // Opens its own connection to the catalog at `url`.
  static Result<std::unique_ptr<Worker>> Connect(const std::string& url, const HandlerRegistry& handlers,
                                                 WorkerOptions options);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Loops until Stop(), or until idle / max_jobs as the options say. A job being run
  // when Stop() is called is finished and its outcome recorded first. Returns an error
  // only when the catalog stays unreachable.
  Status Run();
  void Stop() { stop_.store(true); }
  // Claims and runs at most one job: true if it ran one.
  Result<bool> RunOnce();

  const std::string& id() const { return options_.worker_id; }
  int64_t jobs_run() const { return jobs_run_; }

 private:
  Worker(std::unique_ptr<catalog::Catalog> owned, catalog::Catalog& catalog, const HandlerRegistry& handlers,
         WorkerOptions options);
  Status Housekeeping();
  Status Execute(const Job& job);
  Status RunHandler(const Job& job, const Lease& lease);
  Result<bool> Finished();
  void SleepIdle();

  std::unique_ptr<catalog::Catalog> owned_catalog_;  // set by Connect()
  catalog::Catalog& catalog_;
  const HandlerRegistry& handlers_;
  WorkerOptions options_;
  JobQueue queue_;
  WorkerRegistry registry_;
  std::atomic<bool> stop_{false};
  int64_t jobs_run_ = 0;
  std::chrono::steady_clock::time_point next_reap_{};
  std::chrono::steady_clock::time_point next_schedules_{};
};

}  // namespace arbor::jobs
