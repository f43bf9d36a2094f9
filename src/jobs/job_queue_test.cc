// The queue's semantics driven step by step, without the worker loop, on both engines.
#include "jobs/job_queue.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "catalog/ids.h"
#include "support/test_catalogs.h"

namespace arbor::jobs {
namespace {

using catalog::Principal;
using catalog::testing::Engine;
using std::chrono::milliseconds;

ChildJobSpec Child(JobType type, std::string key, bool after_siblings = false) {
  ChildJobSpec spec;
  spec.type = type;
  spec.key = std::move(key);
  spec.after_siblings = after_siblings;
  return spec;
}

const std::vector<JobType> kAll = {JobType::kScan,   JobType::kBackup, JobType::kRestore,
                                   JobType::kVerify, JobType::kPrune,  JobType::kAssemble};

class JobQueueTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    catalog_ = catalog::testing::OpenFreshCatalog(GetParam(), &url_);
    ASSERT_TRUE(catalog_);
    seeded_ = catalog::testing::SeedTenant(*catalog_, "acme");
    queue_ = std::make_unique<JobQueue>(*catalog_);
    fast_.initial_backoff = milliseconds(100);
  }

  Job Submit(JobType type = JobType::kBackup, int max_attempts = kDefaultMaxAttempts, int priority = 0) {
    JobSpec spec;
    spec.type = type;
    spec.share_id = seeded_.share.id;
    spec.max_attempts = max_attempts;
    spec.priority = priority;
    auto job = queue_->Enqueue(op_, spec);
    EXPECT_TRUE(job.ok()) << job.status().ToString();
    return job.ok() ? *job : Job{};
  }

  Job ClaimOne(const std::string& worker, milliseconds lease = milliseconds(5000)) {
    auto job = queue_->Claim(worker, kAll, lease);
    EXPECT_TRUE(job.ok()) << job.status().ToString();
    EXPECT_TRUE(job.ok() && job->has_value()) << "nothing to claim";
    return job.ok() && job->has_value() ? **job : Job{};
  }

  bool NothingToClaim() {
    auto job = queue_->Claim("probe", kAll, milliseconds(5000));
    return job.ok() && !job->has_value();
  }

  static Lease LeaseOf(const Job& j) { return {j.id, j.lease_owner, j.attempts}; }

  std::string url_;
  std::unique_ptr<catalog::Catalog> catalog_;
  catalog::testing::SeededTenant seeded_;
  std::unique_ptr<JobQueue> queue_;
  Principal op_ = Principal::Operator();
  RetryPolicy fast_;
};

TEST_P(JobQueueTest, EnqueueClaimComplete) {
  Job submitted = Submit();
  EXPECT_EQ(submitted.state, JobState::kQueued);
  EXPECT_EQ(submitted.tenant_id, seeded_.tenant.id);
  Job claimed = ClaimOne("w1");
  EXPECT_EQ(claimed.id, submitted.id);
  EXPECT_EQ(claimed.state, JobState::kRunning);
  EXPECT_EQ(claimed.attempts, 1);
  EXPECT_EQ(claimed.lease_owner, "w1");
  EXPECT_GT(claimed.lease_expires_ms, 0);
  EXPECT_TRUE(NothingToClaim());
  auto state = queue_->Complete(LeaseOf(claimed), Status::Ok(), {3, 300}, fast_);
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  EXPECT_EQ(*state, JobState::kSucceeded);
  Job done = queue_->Get(op_, submitted.id).value();
  EXPECT_EQ(done.state, JobState::kSucceeded);
  EXPECT_EQ(done.progress_files, 3);
  EXPECT_GT(done.finished_ms, 0);
}

TEST_P(JobQueueTest, ClaimsOnlyRequestedTypesByPriorityThenAge) {
  Job verify = Submit(JobType::kVerify);
  Job low = Submit(JobType::kBackup);
  Job high = Submit(JobType::kBackup, kDefaultMaxAttempts, 10);
  auto first = queue_->Claim("w", {JobType::kBackup}, milliseconds(5000)).value();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->id, high.id);
  auto second = queue_->Claim("w", {JobType::kBackup}, milliseconds(5000)).value();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->id, low.id);
  EXPECT_FALSE(queue_->Claim("w", {JobType::kBackup}, milliseconds(5000)).value());
  EXPECT_EQ(ClaimOne("w").id, verify.id);
}

TEST_P(JobQueueTest, ExpiredLeaseIsClaimedAgainAndTheOldWorkerIsFencedOff) {
  Job job = Submit();
  Job first = ClaimOne("w1", milliseconds(300));
  std::this_thread::sleep_for(milliseconds(400));
  EXPECT_EQ(queue_->ReapExpiredLeases().value(), 1);
  Job second = ClaimOne("w2");
  EXPECT_EQ(second.id, job.id);
  EXPECT_EQ(second.attempts, 2);
  EXPECT_NE(queue_->Get(op_, job.id).value().error.find("lease expired: worker w1"), std::string::npos);

  // The first worker wakes up: it cannot renew, report, fan out or finish.
  EXPECT_EQ(queue_->Heartbeat(LeaseOf(first), milliseconds(1000), {}).value(), LeaseState::kLost);
  EXPECT_TRUE(queue_->Complete(LeaseOf(first), Status::Ok(), {}, fast_).status().Is(StatusCode::kCancelled));
  EXPECT_TRUE(
      queue_->EnqueueChild(LeaseOf(first), Child(JobType::kBackup, "k")).status().Is(StatusCode::kCancelled));
  EXPECT_EQ(queue_->Get(op_, job.id).value().state, JobState::kRunning);

  EXPECT_EQ(queue_->Complete(LeaseOf(second), Status::Ok(), {}, fast_).value(), JobState::kSucceeded);
}

TEST_P(JobQueueTest, HeartbeatsKeepTheLease) {
  Submit();
  Job job = ClaimOne("w1", milliseconds(400));
  for (int i = 0; i < 4; ++i) {
    std::this_thread::sleep_for(milliseconds(150));
    EXPECT_EQ(queue_->Heartbeat(LeaseOf(job), milliseconds(400), {i, i}).value(), LeaseState::kHeld);
    EXPECT_EQ(queue_->ReapExpiredLeases().value(), 0);
  }
  EXPECT_EQ(queue_->Get(op_, job.id).value().progress_files, 3);
}

TEST_P(JobQueueTest, TransientFailuresRetryWithBackoffUpToTheLimit) {
  Job job = Submit(JobType::kBackup, 3);
  for (int attempt = 1; attempt <= 3; ++attempt) {
    Job claimed;
    for (int i = 0; i < 100 && claimed.id == 0; ++i) {  // wait out the backoff
      auto c = queue_->Claim("w", kAll, milliseconds(5000)).value();
      if (c) {
        claimed = *c;
      } else {
        std::this_thread::sleep_for(milliseconds(20));
      }
    }
    ASSERT_EQ(claimed.id, job.id);
    EXPECT_EQ(claimed.attempts, attempt);
    auto state =
        queue_->Complete(LeaseOf(claimed), Status::Unavailable("share throttled"), {}, fast_).value();
    EXPECT_EQ(state, attempt < 3 ? JobState::kQueued : JobState::kFailed);
    if (attempt < 3) {
      EXPECT_TRUE(NothingToClaim()) << "claimable before its backoff";
    }
  }
  Job failed = queue_->Get(op_, job.id).value();
  EXPECT_EQ(failed.state, JobState::kFailed);
  EXPECT_NE(failed.error.find("share throttled"), std::string::npos) << failed.error;
  EXPECT_NE(failed.error.find("gave up after attempt 3 of 3"), std::string::npos) << failed.error;
}

TEST_P(JobQueueTest, PermanentFailureIsNotRetried) {
  Job job = Submit();
  Job claimed = ClaimOne("w");
  auto state =
      queue_->Complete(LeaseOf(claimed), Status::PermissionDenied("bad account key for acct"), {}, fast_);
  EXPECT_EQ(state.value(), JobState::kFailed);
  Job failed = queue_->Get(op_, job.id).value();
  EXPECT_EQ(failed.attempts, 1);
  EXPECT_NE(failed.error.find("PermissionDenied: bad account key for acct"), std::string::npos)
      << failed.error;
  EXPECT_NE(failed.error.find("not retried"), std::string::npos) << failed.error;
  EXPECT_TRUE(NothingToClaim());
}

TEST_P(JobQueueTest, CancelEndsQueuedJobsAtOnceAndAsksRunningOnesToStop) {
  Job queued = Submit();
  EXPECT_EQ(queue_->Cancel(op_, queued.id).value().state, JobState::kCancelled);
  EXPECT_TRUE(NothingToClaim());

  Submit();
  Job running = ClaimOne("w");
  EXPECT_EQ(queue_->Cancel(op_, running.id).value().state, JobState::kRunning);
  EXPECT_EQ(queue_->Heartbeat(LeaseOf(running), milliseconds(1000), {}).value(),
            LeaseState::kCancelRequested);
  // Even a retryable error ends a cancelled job: it is not requeued.
  EXPECT_EQ(queue_->Complete(LeaseOf(running), Status::Unavailable("x"), {}, fast_).value(),
            JobState::kCancelled);
}

TEST_P(JobQueueTest, ExpiredLeaseWithNoAttemptsLeftFails) {
  Job job = Submit(JobType::kBackup, 1);
  ClaimOne("w1", milliseconds(200));
  std::this_thread::sleep_for(milliseconds(300));
  EXPECT_EQ(queue_->ReapExpiredLeases().value(), 1);
  Job failed = queue_->Get(op_, job.id).value();
  EXPECT_EQ(failed.state, JobState::kFailed);
  EXPECT_NE(failed.error.find("no attempts left"), std::string::npos) << failed.error;
}

TEST_P(JobQueueTest, ChildrenAreIdempotentByKeyAndABarrierWaitsForItsSiblings) {
  Job scan = Submit(JobType::kScan);
  Job parent = ClaimOne("w");
  Job a = queue_->EnqueueChild(LeaseOf(parent), Child(JobType::kBackup, "a")).value();
  Job again = queue_->EnqueueChild(LeaseOf(parent), Child(JobType::kBackup, "a")).value();
  EXPECT_EQ(a.id, again.id);
  EXPECT_EQ(a.tree_root(), scan.id);
  EXPECT_EQ(a.share_id, scan.share_id);
  Job barrier = queue_->EnqueueChild(LeaseOf(parent), Child(JobType::kAssemble, "assemble", true)).value();

  Job child = ClaimOne("w");  // the barrier is not ready: the parent still runs
  EXPECT_EQ(child.id, a.id);
  EXPECT_TRUE(NothingToClaim());
  ASSERT_TRUE(queue_->Complete(LeaseOf(parent), Status::Ok(), {}, fast_).ok());
  EXPECT_TRUE(NothingToClaim()) << "barrier claimable while a sibling runs";
  ASSERT_TRUE(queue_->Complete(LeaseOf(child), Status::Ok(), {}, fast_).ok());
  EXPECT_EQ(ClaimOne("w").id, barrier.id);

  auto summary = queue_->Summarize(op_, scan.id).value();
  EXPECT_EQ(summary.total, 3);
  EXPECT_EQ(summary.succeeded, 2);
  EXPECT_EQ(summary.running, 1);
  EXPECT_FALSE(summary.done());
}

TEST_P(JobQueueTest, TheReaperReleasesABarrierWhoseReleaseWasMissed) {
  Submit(JobType::kScan);
  Job parent = ClaimOne("w");
  Job barrier = queue_->EnqueueChild(LeaseOf(parent), Child(JobType::kAssemble, "assemble", true)).value();
  ASSERT_TRUE(queue_->Complete(LeaseOf(parent), Status::Ok(), {}, fast_).ok());
  // As if the process that ended the parent died before releasing the barrier.
  ASSERT_TRUE(catalog_->db()
                  .Query("UPDATE jobs SET run_after_ms = $1 WHERE id = $2", {int64_t{1} << 62, barrier.id})
                  .ok());
  EXPECT_TRUE(NothingToClaim());
  ASSERT_TRUE(queue_->ReapExpiredLeases().ok());
  EXPECT_EQ(ClaimOne("w").id, barrier.id);
}

TEST_P(JobQueueTest, CancellingARootCancelsItsTree) {
  Job scan = Submit(JobType::kScan);
  Job parent = ClaimOne("w");
  Job child = queue_->EnqueueChild(LeaseOf(parent), Child(JobType::kBackup, "a")).value();
  ASSERT_TRUE(queue_->Cancel(op_, scan.id).ok());
  EXPECT_EQ(queue_->Get(op_, child.id).value().state, JobState::kCancelled);
  EXPECT_EQ(queue_->Complete(LeaseOf(parent), Status::Cancelled("stopped"), {}, fast_).value(),
            JobState::kCancelled);
  auto summary = queue_->Summarize(op_, scan.id).value();
  EXPECT_TRUE(summary.done());
  EXPECT_EQ(summary.outcome(), JobState::kCancelled);
}

TEST_P(JobQueueTest, PurgeDeletesOnlyWholeFinishedTrees) {
  Submit(JobType::kScan);
  Job done_root = ClaimOne("w");
  Job done_child = queue_->EnqueueChild(LeaseOf(done_root), Child(JobType::kBackup, "a")).value();
  ASSERT_TRUE(queue_->Complete(LeaseOf(done_root), Status::Ok(), {}, fast_).ok());
  ASSERT_TRUE(queue_->Complete(LeaseOf(ClaimOne("w")), Status::Ok(), {}, fast_).ok());
  Submit(JobType::kScan);
  Job busy_root = ClaimOne("w");
  ASSERT_TRUE(queue_->EnqueueChild(LeaseOf(busy_root), Child(JobType::kBackup, "b")).ok());
  ASSERT_TRUE(queue_->Complete(LeaseOf(busy_root), Status::Ok(), {}, fast_).ok());  // its child still queued

  EXPECT_TRUE(queue_->PurgeFinished(seeded_.principal(), catalog::NowMs() + 1000)
                  .status()
                  .Is(StatusCode::kPermissionDenied));
  EXPECT_EQ(queue_->PurgeFinished(op_, catalog::NowMs() - 60000).value(), 0);
  EXPECT_EQ(queue_->PurgeFinished(op_, catalog::NowMs() + 1000).value(), 2);
  EXPECT_TRUE(queue_->Get(op_, done_child.id).status().Is(StatusCode::kNotFound));
  EXPECT_TRUE(queue_->Get(op_, busy_root.id).ok());
}

TEST_P(JobQueueTest, ConcurrentClaimersNeverGetTheSameJob) {
  constexpr int kJobs = 120;
  constexpr int kClaimers = 8;
  for (int i = 0; i < kJobs; ++i) Submit();
  std::vector<std::vector<int64_t>> got(kClaimers);
  std::vector<std::thread> threads;
  for (int t = 0; t < kClaimers; ++t) {
    threads.emplace_back([&, t] {
      auto own = catalog::testing::Reopen(url_);
      JobQueue q(*own);
      while (true) {
        auto job = q.Claim("w" + std::to_string(t), kAll, milliseconds(10000));
        if (!job.ok()) continue;  // SQLite may report Busy under contention: try again
        if (!*job) break;
        got[t].push_back((*job)->id);
        ASSERT_TRUE(q.Complete(LeaseOf(**job), Status::Ok(), {}, fast_).ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  std::set<int64_t> all;
  size_t total = 0;
  for (const auto& ids : got) {
    total += ids.size();
    all.insert(ids.begin(), ids.end());
  }
  EXPECT_EQ(total, static_cast<size_t>(kJobs));
  EXPECT_EQ(all.size(), static_cast<size_t>(kJobs));
}

INSTANTIATE_TEST_SUITE_P(Engines, JobQueueTest, ::testing::ValuesIn(catalog::testing::AllEngines()),
                         catalog::testing::EngineParamName);

}  // namespace
}  // namespace arbor::jobs
