// A scan fans out backup sub-jobs and an assemble job that waits for them: the shape that
// lets many workers share one huge share.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "base/file_util.h"
#include "jobs/worker.h"
#include "support/test_catalogs.h"
#include "support/test_handlers.h"

namespace arbor::jobs {
namespace {

using catalog::Principal;
using catalog::testing::Engine;
using std::chrono::milliseconds;

class FanOutTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    catalog_ = catalog::testing::OpenFreshCatalog(GetParam(), &url_);
    ASSERT_TRUE(catalog_);
    seeded_ = catalog::testing::SeedTenant(*catalog_, "acme");
    queue_ = std::make_unique<JobQueue>(*catalog_);
    dir_ = catalog::testing::ScratchDir() + "/fanout-" + std::to_string(++counter_);
    ASSERT_TRUE(MakeDirs(dir_).ok());
    handlers_.Register(JobType::kScan, std::make_unique<testing::ScanHandler>());
    handlers_.Register(JobType::kBackup, std::make_unique<testing::PartHandler>());
    handlers_.Register(JobType::kAssemble, std::make_unique<testing::AssembleHandler>());
  }

  // Runs `n` workers until the tree of `root` is done.
  TreeSummary RunTree(int64_t root, int n) {
    WorkerOptions options;
    options.lease = milliseconds(2000);
    options.idle_poll = milliseconds(20);
    options.retry.initial_backoff = milliseconds(50);
    options.until_done = root;
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i) {
      threads.emplace_back([&, i] {
        WorkerOptions mine = options;
        mine.worker_id = "w" + std::to_string(i);
        auto worker = Worker::Connect(url_, handlers_, mine);
        ASSERT_TRUE(worker.ok()) << worker.status().ToString();
        EXPECT_TRUE((*worker)->Run().ok());
      });
    }
    for (auto& t : threads) t.join();
    return queue_->Summarize(Principal::Operator(), root).value();
  }

  Job SubmitScan(nlohmann::json payload) {
    JobSpec spec;
    spec.type = JobType::kScan;
    spec.share_id = seeded_.share.id;
    spec.payload = std::move(payload);
    return queue_->Enqueue(seeded_.principal(), spec).value();
  }

  static inline int counter_ = 0;
  std::string url_;
  std::string dir_;
  std::unique_ptr<catalog::Catalog> catalog_;
  catalog::testing::SeededTenant seeded_;
  std::unique_ptr<JobQueue> queue_;
  HandlerRegistry handlers_;
};

TEST_P(FanOutTest, AssembleRunsAfterEveryPart) {
  Job scan = SubmitScan({{"dir", dir_}, {"parts", 6}});
  TreeSummary summary = RunTree(scan.id, 3);
  EXPECT_EQ(summary.outcome(), JobState::kSucceeded);
  EXPECT_EQ(summary.total, 8);  // scan + 6 parts + assemble
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/assembled"));
  auto tree = queue_->List(Principal::Operator(), JobFilter::Tree(scan.id)).value();
  int64_t last_part_finished = 0;
  int64_t assemble_started = 0;
  for (const Job& j : tree) {
    if (j.type == JobType::kBackup) last_part_finished = std::max(last_part_finished, j.finished_ms);
    if (j.type == JobType::kAssemble) assemble_started = j.started_ms;
  }
  EXPECT_GE(assemble_started, last_part_finished);
}

TEST_P(FanOutTest, ARetriedScanDoesNotDuplicateItsChildren) {
  Job scan = SubmitScan({{"dir", dir_}, {"parts", 4}, {"fail_after_fanout", true}});
  TreeSummary summary = RunTree(scan.id, 2);
  EXPECT_EQ(summary.outcome(), JobState::kSucceeded);
  EXPECT_EQ(summary.total, 6);
  EXPECT_EQ(summary.job.attempts, 2);
}

TEST_P(FanOutTest, AFailedPartStopsTheAssembleAndFailsTheTree) {
  handlers_.Register(JobType::kBackup, std::make_unique<testing::FailHandler>());
  Job scan = SubmitScan({{"dir", dir_}, {"parts", 2}, {"code", "invalid"}});
  TreeSummary summary = RunTree(scan.id, 2);
  EXPECT_EQ(summary.outcome(), JobState::kFailed);
  EXPECT_EQ(summary.failed, 2);
  auto tree = queue_->List(Principal::Operator(), JobFilter::Tree(scan.id)).value();
  for (const Job& j : tree) {
    if (j.type != JobType::kAssemble) continue;
    EXPECT_EQ(j.state, JobState::kCancelled);
    EXPECT_NE(j.error.find("prerequisite job"), std::string::npos) << j.error;
  }
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/assembled"));
}

INSTANTIATE_TEST_SUITE_P(Engines, FanOutTest, ::testing::ValuesIn(catalog::testing::AllEngines()),
                         catalog::testing::EngineParamName);

}  // namespace
}  // namespace arbor::jobs
