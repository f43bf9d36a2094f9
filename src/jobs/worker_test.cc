// The worker loop end to end, with real handlers, several workers (threads, each with its
// own catalog connection) on one catalog, on both engines.
#include "jobs/worker.h"

#include <gtest/gtest.h>

#include <thread>

#include "support/test_catalogs.h"
#include "support/test_handlers.h"

namespace arbor::jobs {
namespace {

using catalog::Principal;
using catalog::testing::Engine;
using std::chrono::milliseconds;

// Workers on threads, each with its own connection; stopped and joined on destruction.
class WorkerPool {
 public:
  WorkerPool(const std::string& url, const HandlerRegistry& handlers, int n, WorkerOptions options) {
    for (int i = 0; i < n; ++i) {
      options.worker_id = "w" + std::to_string(i);
      auto worker = Worker::Connect(url, handlers, options);
      EXPECT_TRUE(worker.ok()) << worker.status().ToString();
      if (!worker.ok()) continue;
      workers_.push_back(std::move(worker).value());
    }
    for (auto& w : workers_) {
      threads_.emplace_back([&w] { EXPECT_TRUE(w->Run().ok()); });
    }
  }
  ~WorkerPool() {
    for (auto& w : workers_) w->Stop();
    for (auto& t : threads_) t.join();
  }

 private:
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;
};

WorkerOptions FastOptions() {
  WorkerOptions o;
  o.lease = milliseconds(1500);
  o.heartbeat = milliseconds(300);
  o.idle_poll = milliseconds(20);
  o.retry.initial_backoff = milliseconds(50);
  o.schedules_every = milliseconds(0);
  return o;
}

class WorkerTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    catalog_ = catalog::testing::OpenFreshCatalog(GetParam(), &url_);
    ASSERT_TRUE(catalog_);
    seeded_ = catalog::testing::SeedTenant(*catalog_, "acme");
    queue_ = std::make_unique<JobQueue>(*catalog_);
  }

  Job Submit(JobType type, nlohmann::json payload, int max_attempts = kDefaultMaxAttempts) {
    JobSpec spec;
    spec.type = type;
    spec.share_id = seeded_.share.id;
    spec.payload = std::move(payload);
    spec.max_attempts = max_attempts;
    auto job = queue_->Enqueue(seeded_.principal(), spec);
    EXPECT_TRUE(job.ok()) << job.status().ToString();
    return job.ok() ? *job : Job{};
  }

  TreeSummary WaitDone(int64_t id, milliseconds timeout = milliseconds(30000)) {
    auto summary = queue_->Wait(seeded_.principal(), id, timeout, milliseconds(20));
    EXPECT_TRUE(summary.ok()) << summary.status().ToString();
    return summary.ok() ? *summary : TreeSummary{};
  }

  std::string url_;
  std::unique_ptr<catalog::Catalog> catalog_;
  catalog::testing::SeededTenant seeded_;
  std::unique_ptr<JobQueue> queue_;
};

TEST_P(WorkerTest, EightWorkersDrainTheQueueRunningEachJobOnce) {
  constexpr int kJobs = 120;
  HandlerRegistry handlers;
  auto recorder = std::make_unique<testing::OverlapRecorder>(std::make_unique<testing::SleepHandler>());
  auto* rec = recorder.get();
  handlers.Register(JobType::kBackup, std::move(recorder));
  std::vector<int64_t> ids;
  for (int i = 0; i < kJobs; ++i) ids.push_back(Submit(JobType::kBackup, {{"ms", 10}}).id);
  {
    WorkerPool pool(url_, handlers, 8, FastOptions());
    for (int64_t id : ids) EXPECT_EQ(WaitDone(id).outcome(), JobState::kSucceeded) << id;
  }
  EXPECT_FALSE(rec->overlapped());
  EXPECT_EQ(rec->total_runs(), kJobs);
  for (int64_t id : ids) EXPECT_EQ(rec->runs(id), 1) << id;
  JobFilter all;
  all.limit = 1000;
  auto jobs = queue_->List(Principal::Operator(), all).value();
  std::set<std::string> workers;
  for (const Job& j : jobs) {
    EXPECT_EQ(j.attempts, 1);
    workers.insert(j.lease_owner);
  }
  EXPECT_GT(workers.size(), 1u) << "the work did not spread";
}

TEST_P(WorkerTest, CancellationIsObservedWithinOneHeartbeat) {
  HandlerRegistry handlers;
  handlers.Register(JobType::kBackup, std::make_unique<testing::SleepHandler>());
  WorkerOptions options = FastOptions();
  Job job = Submit(JobType::kBackup, {{"ms", 60000}});
  WorkerPool pool(url_, handlers, 1, options);
  for (int i = 0; i < 500 && queue_->Get(seeded_.principal(), job.id).value().state != JobState::kRunning;
       ++i) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  auto asked = std::chrono::steady_clock::now();
  ASSERT_TRUE(queue_->Cancel(seeded_.principal(), job.id).ok());
  TreeSummary summary = WaitDone(job.id, milliseconds(5000));
  auto took = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - asked);
  EXPECT_EQ(summary.outcome(), JobState::kCancelled);
  // One heartbeat (300 ms) plus the handler's reaction and the waiter's polling.
  EXPECT_LT(took, options.heartbeat + milliseconds(500)) << took.count() << " ms";
}

TEST_P(WorkerTest, PermanentFailureEndsFailedWithTheHandlersMessage) {
  HandlerRegistry handlers;
  handlers.Register(JobType::kBackup, std::make_unique<testing::FailHandler>());
  Job job = Submit(JobType::kBackup, {{"code", "permission"}, {"message", "Azure rejected the account key"}});
  WorkerPool pool(url_, handlers, 2, FastOptions());
  TreeSummary summary = WaitDone(job.id);
  EXPECT_EQ(summary.outcome(), JobState::kFailed);
  EXPECT_EQ(summary.job.attempts, 1);
  EXPECT_NE(summary.job.error.find("PermissionDenied: Azure rejected the account key"), std::string::npos)
      << summary.job.error;
}

TEST_P(WorkerTest, TransientFailuresAreRetriedUntilTheySucceed) {
  HandlerRegistry handlers;
  handlers.Register(JobType::kBackup, std::make_unique<testing::FailHandler>());
  Job job = Submit(JobType::kBackup, {{"code", "unavailable"}, {"failures", 2}});
  WorkerPool pool(url_, handlers, 2, FastOptions());
  TreeSummary summary = WaitDone(job.id);
  EXPECT_EQ(summary.outcome(), JobState::kSucceeded);
  EXPECT_EQ(summary.job.attempts, 3);
}

TEST_P(WorkerTest, RetryLimitEndsFailed) {
  HandlerRegistry handlers;
  handlers.Register(JobType::kBackup, std::make_unique<testing::FailHandler>());
  Job job = Submit(JobType::kBackup, {{"code", "unavailable"}, {"message", "503 ServerBusy"}}, 3);
  WorkerPool pool(url_, handlers, 2, FastOptions());
  TreeSummary summary = WaitDone(job.id);
  EXPECT_EQ(summary.outcome(), JobState::kFailed);
  EXPECT_EQ(summary.job.attempts, 3);
  EXPECT_NE(summary.job.error.find("gave up after attempt 3 of 3"), std::string::npos) << summary.job.error;
}

TEST_P(WorkerTest, EmbeddedModeRunsInProcessUntilTheJobIsDone) {
  HandlerRegistry handlers;
  handlers.Register(JobType::kBackup, std::make_unique<testing::FailHandler>());
  Job job = Submit(JobType::kBackup, {{"code", "unavailable"}, {"failures", 1}});
  WorkerOptions options = FastOptions();
  options.until_done = job.id;
  Worker worker(*catalog_, handlers, options);
  ASSERT_TRUE(worker.Run().ok());
  EXPECT_EQ(queue_->Get(seeded_.principal(), job.id).value().state, JobState::kSucceeded);
  auto workers = WorkerRegistry(*catalog_).List(Principal::Operator()).value();
  EXPECT_TRUE(workers.empty()) << "a stopped worker unregisters";
}

INSTANTIATE_TEST_SUITE_P(Engines, WorkerTest, ::testing::ValuesIn(catalog::testing::AllEngines()),
                         catalog::testing::EngineParamName);

}  // namespace
}  // namespace arbor::jobs
