// Small real job handlers for the queue's tests and the kill -9 worker binary. They do
// real work (sleep, write files, fan out) through the real JobContext; nothing is mocked.
//
// Payload keys they understand:
//   SleepHandler      {"ms": total sleep, "step_ms": progress step (default 10)}
//   FailHandler       {"code": "permission" | "invalid" | "unavailable", "message": text,
//                      "failures": fail this many attempts, then succeed (default: always)}
//   FileWriterHandler {"dir": folder, "chunks": n, "chunk_ms": sleep per chunk}: writes
//                     chunk files then <dir>/job-<id>.done, all via temp + rename, and logs
//                     "start"/"done" lines to <dir>/log (O_APPEND) for exactly-once checks
//   ScanHandler       {"dir": folder, "parts": n, "fail_after_fanout": bool}: enqueues n
//                     backup children "part-i" (its payload plus "part": i) and an
//                     "assemble" barrier child
//   PartHandler       {"dir": folder, "part": i}: writes <dir>/part-i
//   AssembleHandler   {"dir": folder, "parts": n}: checks all parts exist, writes
//                     <dir>/assembled
#pragma once

#include <map>
#include <memory>
#include <mutex>

#include "jobs/job_handler.h"

namespace arbor::jobs::testing {

class SleepHandler : public JobHandler {
 public:
  Status Run(const Job& job, JobContext& ctx) override;
};

class FailHandler : public JobHandler {
 public:
  Status Run(const Job& job, JobContext& ctx) override;
};

class FileWriterHandler : public JobHandler {
 public:
  Status Run(const Job& job, JobContext& ctx) override;
};

class ScanHandler : public JobHandler {
 public:
  Status Run(const Job& job, JobContext& ctx) override;
};

class PartHandler : public JobHandler {
 public:
  Status Run(const Job& job, JobContext& ctx) override;
};

class AssembleHandler : public JobHandler {
 public:
  Status Run(const Job& job, JobContext& ctx) override;
};

// Wraps a handler and records, per job id, how many attempts ran and whether two ever
// ran at the same time (in this process). Thread-safe.
class OverlapRecorder : public JobHandler {
 public:
  explicit OverlapRecorder(std::unique_ptr<JobHandler> inner) : inner_(std::move(inner)) {}
  Status Run(const Job& job, JobContext& ctx) override;

  int runs(int64_t job_id) const;
  int total_runs() const;
  bool overlapped() const;

 private:
  std::unique_ptr<JobHandler> inner_;
  mutable std::mutex mu_;
  std::map<int64_t, int> running_;  // guarded by mu_
  std::map<int64_t, int> runs_;     // guarded by mu_
  bool overlapped_ = false;         // guarded by mu_
};

}  // namespace arbor::jobs::testing
