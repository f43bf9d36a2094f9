// The contract between the worker loop and the code that does a job's work.
//
// A JobHandler runs one attempt of one job type (the engine's backup, restore, verify and
// prune handlers implement it). The Worker gives it a JobContext for reporting progress,
// noticing cancellation, and fanning out children.
//
// What a handler must do:
//  - be idempotent per attempt: an attempt may be cut off at any instruction (kill -9, a
//    lost lease) and the job run again from the start on another worker. Write with
//    temp-and-rename, record results with idempotent keys (snapshot ids, child keys), and
//    publish a result (a snapshot) only as the last step;
//  - check ctx.cancelled() between steps (every file, every chunk) and return
//    Status::Cancelled promptly once it is true: cancellation and lease loss both arrive
//    that way, within one heartbeat;
//  - return a retryable code (Unavailable, IOError, Busy, NoSpace) for transient trouble
//    and any other code for permanent trouble (bad credentials: PermissionDenied; bad
//    payload: InvalidArgument). The message becomes the job's error, shown to users, so
//    it must name what failed and must never contain a secret.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "catalog/catalog.h"
#include "catalog/principal.h"
#include "jobs/job.h"

namespace arbor::jobs {

// Given to a handler for the duration of one attempt. Thread-safe: a handler may use it
// from several threads of its own.
class JobContext {
 public:
  virtual ~JobContext() = default;

  // Totals so far; the worker sends them with the next heartbeat.
  virtual void SetProgress(const Progress& progress) = 0;
  // True once a user cancelled the job or the worker lost its lease.
  virtual bool cancelled() const = 0;
  // Enqueues a child job (see ChildJobSpec). Idempotent by spec.key.
  virtual Result<Job> EnqueueChild(const ChildJobSpec& spec) = 0;
  // The catalog, for reading the share, its credential and recording the snapshot. Use
  // principal() with it, so the handler can only reach the job's own tenant.
  virtual catalog::Catalog& catalog() = 0;
  virtual const catalog::Principal& principal() const = 0;
  virtual const std::string& worker_id() const = 0;
};

class JobHandler {
 public:
  virtual ~JobHandler() = default;
  virtual Status Run(const Job& job, JobContext& ctx) = 0;
};

// Which handler runs which job type. Filled before the worker starts, read-only after.
class HandlerRegistry {
 public:
  // Replaces any handler already registered for `type`.
  void Register(JobType type, std::unique_ptr<JobHandler> handler);
  JobHandler* Find(JobType type) const;
  // The types this registry can run: a worker claims only these.
  std::vector<JobType> types() const;

 private:
  std::map<JobType, std::unique_ptr<JobHandler>> handlers_;
};

}  // namespace arbor::jobs
