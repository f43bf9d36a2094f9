// JobQueue: the durable job queue in the catalog, shared by every worker.
//
// Two audiences:
//  - users and the API (Enqueue, Get, List, Cancel, Summarize, Wait) pass a Principal; all
//    their queries are tenant-scoped, and another tenant's job id is NotFound;
//  - workers (Claim, Heartbeat, EnqueueChild, Complete, ReapExpiredLeases) act for every
//    tenant, as the operator does, and prove with a Lease that they hold the job.
//
// Claiming is one statement: on Postgres an UPDATE of the first ready row picked with
// SELECT ... FOR UPDATE SKIP LOCKED, so concurrent workers never wait on each other's
// candidate rows; on SQLite the same UPDATE inside BEGIN IMMEDIATE. A claim increments
// `attempts` and sets a lease (the database clock + the lease length). The lease holder
// renews it by Heartbeat; a lease that is not renewed expires, and ReapExpiredLeases puts
// the job back in the queue (or fails it when no attempts are left) so another worker
// claims it. Every write by a worker is fenced by (job id, worker id, attempt): a worker
// whose lease was taken over cannot record progress, children or an outcome.
//
// Thread safety: as the Catalog it is built on.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "catalog/catalog.h"
#include "catalog/principal.h"
#include "jobs/job.h"
#include "jobs/retry_policy.h"

namespace arbor::jobs {

// Proof that a worker holds a job: the job, the worker and the attempt it claimed.
struct Lease {
  int64_t job_id = 0;
  std::string worker_id;
  int attempt = 0;
};

enum class LeaseState { kHeld, kCancelRequested, kLost };

struct JobFilter {
  std::optional<JobState> state;
  std::string share_id;
  std::optional<int64_t> root_id;  // one job tree
  bool roots_only = false;         // hide fan-out children
  int limit = 100;

  static JobFilter Tree(int64_t root_id) {
    JobFilter f;
    f.root_id = root_id;
    return f;
  }
  static JobFilter Share(std::string share_id) {
    JobFilter f;
    f.share_id = std::move(share_id);
    return f;
  }
};

// The state of a job and everything below it (its fan-out).
struct TreeSummary {
  Job job;
  int total = 0;  // jobs in the tree, the root included
  int queued = 0, running = 0, succeeded = 0, failed = 0, cancelled = 0;
  Progress progress;  // summed over the tree

  bool done() const { return queued == 0 && running == 0; }
  // Once done: failed if any job failed, else cancelled if any was, else succeeded.
  JobState outcome() const;
  nlohmann::json ToJson() const;
};

class JobQueue {
 public:
  // `catalog` must outlive the queue.
  explicit JobQueue(catalog::Catalog& catalog) : catalog_(catalog) {}

  // --- users and the API ---
  // NotFound when the share (or tenant) is not visible to `p`.
  Result<Job> Enqueue(const catalog::Principal& p, const JobSpec& spec);
  Result<Job> Get(const catalog::Principal& p, int64_t id);
  // Newest first.
  Result<std::vector<Job>> List(const catalog::Principal& p, const JobFilter& filter = {});
  // Cancels the job and its whole tree: queued jobs end cancelled at once; running ones
  // are asked to stop and end cancelled when their worker sees the request (at its next
  // heartbeat). Jobs already ended are left as they are. Returns the job afterwards.
  Result<Job> Cancel(const catalog::Principal& p, int64_t id);
  Result<TreeSummary> Summarize(const catalog::Principal& p, int64_t id);
  // Retention, operator only: deletes whole job trees that ended before `cutoff_ms`
  // (ms since the epoch). Returns how many jobs were deleted.
  Result<int> PurgeFinished(const catalog::Principal& p, int64_t cutoff_ms);
  // Polls until the job's tree is done or `timeout` passes (Unavailable then).
  Result<TreeSummary> Wait(const catalog::Principal& p, int64_t id, std::chrono::milliseconds timeout,
                           std::chrono::milliseconds poll = std::chrono::milliseconds(200));

  // --- workers ---
  // The next ready job of one of `types`, now leased to `worker_id`; nullopt when none.
  Result<std::optional<Job>> Claim(const std::string& worker_id, const std::vector<JobType>& types,
                                   std::chrono::milliseconds lease);
  // Renews the lease and records progress. kLost when the lease was taken over or the job
  // ended meanwhile; kCancelRequested when a user cancelled it.
  Result<LeaseState> Heartbeat(const Lease& lease, std::chrono::milliseconds length,
                               const Progress& progress);
  // Enqueues a child of the leased job (idempotent by spec.key). Cancelled when the lease
  // is no longer held.
  Result<Job> EnqueueChild(const Lease& lease, const ChildJobSpec& spec);
  // Records the attempt's outcome: OK -> succeeded; Cancelled -> cancelled; a retryable
  // error with attempts left -> queued again after the policy's backoff (cancelled instead
  // if cancellation was requested); anything else -> failed, with a message saying why it
  // was not retried. Returns the job's new state; kLost-like situations (lease taken
  // over) return Cancelled and change nothing.
  Result<JobState> Complete(const Lease& lease, const Status& outcome, const Progress& progress,
                            const RetryPolicy& policy);
  // For a barrier job: the reason it must not run (its parent or a sibling failed or was
  // cancelled), or nullopt when it may.
  Result<std::optional<std::string>> PrerequisiteFailure(const Job& job);
  // Requeues (or fails, when out of attempts, or cancels, when requested) up to `limit`
  // running jobs whose lease expired. Safe to run from every worker at once. Returns how
  // many it changed.
  Result<int> ReapExpiredLeases(int limit = 100);

 private:
  catalog::Catalog& catalog_;
};

}  // namespace arbor::jobs
