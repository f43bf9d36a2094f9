// LeaseKeeper: the heartbeat thread beside a running handler.
//
// Every `interval` it renews the job's lease and sends the handler's progress. It turns
// the answers into the handler's cancellation flag: a user's cancel request, a lease taken
// over by another worker, or a lease that could not be renewed before it ran out (the
// catalog unreachable for a whole lease: another worker may own the job by now).
// Internal to arbor_jobs (used by Worker).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "jobs/job_queue.h"

namespace arbor::jobs {

class LeaseKeeper {
 public:
  // Starts the thread. `queue` and the flags must outlive the keeper. `on_beat` runs
  // after every successful renewal (the worker refreshes its registry row there).
  LeaseKeeper(JobQueue& queue, Lease lease, std::chrono::milliseconds length,
              std::chrono::milliseconds interval, std::function<Progress()> progress,
              std::function<void()> on_beat);
  // Stops and joins the thread.
  ~LeaseKeeper();
  LeaseKeeper(const LeaseKeeper&) = delete;
  LeaseKeeper& operator=(const LeaseKeeper&) = delete;

  bool cancel_requested() const { return cancel_requested_.load(); }
  bool lost() const { return lost_.load(); }
  // Either of the above: what JobContext::cancelled() reports.
  bool should_stop() const { return cancel_requested() || lost(); }

 private:
  void Loop();
  void Beat(std::chrono::steady_clock::time_point* last_renewed);

  JobQueue& queue_;
  const Lease lease_;
  const std::chrono::milliseconds length_;
  const std::chrono::milliseconds interval_;
  std::function<Progress()> progress_;
  std::function<void()> on_beat_;
  std::atomic<bool> cancel_requested_{false};
  std::atomic<bool> lost_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace arbor::jobs
