// Two tenants share one queue: neither can see, read, cancel, wait on, schedule against or
// submit into the other's jobs and shares. Another tenant's id is always NotFound.
#include <gtest/gtest.h>

#include <functional>

#include "jobs/job_queue.h"
#include "jobs/schedule_store.h"
#include "jobs/worker_registry.h"
#include "support/test_catalogs.h"

namespace arbor::jobs {
namespace {

using catalog::Principal;
using catalog::testing::Engine;
using std::chrono::hours;
using std::chrono::milliseconds;

class JobIsolationTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    catalog_ = catalog::testing::OpenFreshCatalog(GetParam());
    ASSERT_TRUE(catalog_);
    a_ = catalog::testing::SeedTenant(*catalog_, "tenant-a");
    b_ = catalog::testing::SeedTenant(*catalog_, "tenant-b");
    queue_ = std::make_unique<JobQueue>(*catalog_);
    JobSpec spec;
    spec.share_id = b_.share.id;
    b_job_ = queue_->Enqueue(b_.principal(), spec).value();
    spec.share_id = a_.share.id;
    a_job_ = queue_->Enqueue(a_.principal(), spec).value();
    b_schedule_ = ScheduleStore(*catalog_)
                      .Add(b_.principal(), {b_.share.id, JobType::kBackup, hours(24), {}, std::nullopt, ""})
                      .value();
  }

  std::unique_ptr<catalog::Catalog> catalog_;
  catalog::testing::SeededTenant a_, b_;
  std::unique_ptr<JobQueue> queue_;
  Job a_job_, b_job_;
  Schedule b_schedule_;
};

TEST_P(JobIsolationTest, ListsShowOnlyOwnJobsAndSchedules) {
  auto jobs = queue_->List(a_.principal()).value();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].id, a_job_.id);
  EXPECT_TRUE(queue_->List(a_.principal(), JobFilter::Share(b_.share.id)).value().empty());
  EXPECT_TRUE(queue_->List(a_.principal(), JobFilter::Tree(b_job_.id)).value().empty());
  EXPECT_TRUE(ScheduleStore(*catalog_).List(a_.principal()).value().empty());
  EXPECT_EQ(queue_->List(Principal::Operator()).value().size(), 2u);
}

TEST_P(JobIsolationTest, EveryCallTakingAnotherTenantsIdSaysNotFound) {
  auto as_a = a_.principal();
  ScheduleStore schedules(*catalog_);
  std::vector<std::pair<std::string, std::function<Status()>>> probes = {
      {"Get", [&] { return queue_->Get(as_a, b_job_.id).status(); }},
      {"Cancel", [&] { return queue_->Cancel(as_a, b_job_.id).status(); }},
      {"Summarize", [&] { return queue_->Summarize(as_a, b_job_.id).status(); }},
      {"Wait", [&] { return queue_->Wait(as_a, b_job_.id, milliseconds(10)).status(); }},
      {"Enqueue(other share)",
       [&] {
         JobSpec s;
         s.share_id = b_.share.id;
         return queue_->Enqueue(as_a, s).status();
       }},
      {"Enqueue(other share by name and tenant)",
       [&] {
         JobSpec s;
         s.tenant_id = b_.tenant.id;
         s.share_id = b_.share.name;
         return queue_->Enqueue(as_a, s).status();
       }},
      {"Enqueue(other tenant)",
       [&] {
         JobSpec s;
         s.tenant_id = b_.tenant.id;
         return queue_->Enqueue(as_a, s).status();
       }},
      {"schedules.Add(other share)",
       [&] {
         return schedules.Add(as_a, {b_.share.id, JobType::kBackup, hours(1), {}, std::nullopt, ""}).status();
       }},
      {"schedules.Remove", [&] { return schedules.Remove(as_a, b_schedule_.id); }},
      {"schedules.SetEnabled", [&] { return schedules.SetEnabled(as_a, b_schedule_.id, false); }},
  };
  for (const auto& [name, probe] : probes) {
    Status st = probe();
    EXPECT_TRUE(st.Is(StatusCode::kNotFound)) << name << " gave " << st.ToString();
  }
  // B's job was not cancelled by A's attempt.
  EXPECT_EQ(queue_->Get(b_.principal(), b_job_.id).value().state, JobState::kQueued);
  EXPECT_TRUE(WorkerRegistry(*catalog_).List(as_a).status().Is(StatusCode::kPermissionDenied));
}

INSTANTIATE_TEST_SUITE_P(Engines, JobIsolationTest, ::testing::ValuesIn(catalog::testing::AllEngines()),
                         catalog::testing::EngineParamName);

}  // namespace
}  // namespace arbor::jobs
