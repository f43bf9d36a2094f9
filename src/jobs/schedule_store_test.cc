#include "jobs/schedule_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "catalog/ids.h"
#include "jobs/job_queue.h"
#include "support/test_catalogs.h"

namespace arbor::jobs {
namespace {

using catalog::Principal;
using catalog::testing::Engine;
using std::chrono::hours;
using std::chrono::milliseconds;

class ScheduleStoreTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    catalog_ = catalog::testing::OpenFreshCatalog(GetParam(), &url_);
    ASSERT_TRUE(catalog_);
    seeded_ = catalog::testing::SeedTenant(*catalog_, "acme");
  }

  int64_t ScheduledJobs() {
    return catalog_->db()
        .Query("SELECT count(*) AS n FROM jobs WHERE schedule_id IS NOT NULL")
        .value()
        .Int(0, "n");
  }

  std::string url_;
  std::unique_ptr<catalog::Catalog> catalog_;
  catalog::testing::SeededTenant seeded_;
};

TEST_P(ScheduleStoreTest, ADueScheduleFiresOnceHoweverManyWorkersRace) {
  ScheduleStore store(*catalog_);
  int64_t every = milliseconds(hours(24)).count();
  int64_t first_due = catalog::NowMs() - every * 7 / 2;  // three and a half periods ago
  auto schedule =
      store.Add(seeded_.principal(), {seeded_.share.name, JobType::kBackup, hours(24), {}, first_due, ""});
  ASSERT_TRUE(schedule.ok()) << schedule.status().ToString();

  constexpr int kWorkers = 8;
  std::atomic<int> fired{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kWorkers; ++i) {
    threads.emplace_back([&] {
      auto own = catalog::testing::Reopen(url_);
      for (int round = 0; round < 3; ++round) {
        auto n = ScheduleStore(*own).EnqueueDue();
        if (n.ok()) fired += *n;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(fired.load(), 1);
  EXPECT_EQ(ScheduledJobs(), 1);

  // It fired once for the missed periods, and the next due time stays on the grid.
  auto after = store.List(seeded_.principal()).value();
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].next_due_ms, first_due + 4 * every);
  auto jobs = JobQueue(*catalog_).List(seeded_.principal()).value();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].type, JobType::kBackup);
  EXPECT_EQ(jobs[0].share_id, seeded_.share.id);
  EXPECT_EQ(jobs[0].schedule_id, schedule->id);
}

TEST_P(ScheduleStoreTest, NotDueAndDisabledSchedulesDoNothing) {
  ScheduleStore store(*catalog_);
  auto later =
      store.Add(seeded_.principal(), {seeded_.share.id, JobType::kBackup, hours(1), {}, std::nullopt, ""});
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->next_due_ms, later->created_ms + milliseconds(hours(1)).count());
  auto due =
      store.Add(seeded_.principal(), {seeded_.share.id, JobType::kVerify, hours(1), {}, int64_t{0}, ""});
  ASSERT_TRUE(due.ok());
  ASSERT_TRUE(store.SetEnabled(seeded_.principal(), due->id, false).ok());
  EXPECT_EQ(store.EnqueueDue().value(), 0);
  ASSERT_TRUE(store.SetEnabled(seeded_.principal(), due->id, true).ok());
  EXPECT_EQ(store.EnqueueDue().value(), 1);
  EXPECT_EQ(store.EnqueueDue().value(), 0);
  ASSERT_TRUE(store.Remove(seeded_.principal(), due->id).ok());
  EXPECT_EQ(store.List(seeded_.principal()).value().size(), 1u);
}

TEST_P(ScheduleStoreTest, RejectsIntervalsUnderASecond) {
  ScheduleStore store(*catalog_);
  auto st = store.Add(seeded_.principal(),
                      {seeded_.share.id, JobType::kBackup, milliseconds(10), {}, std::nullopt, ""});
  EXPECT_TRUE(st.status().Is(StatusCode::kInvalidArgument));
}

// A cron schedule: due at its expression's next minute; after downtime it fires once and
// moves to the first matching minute after now, not to the next missed one.
TEST_P(ScheduleStoreTest, ACronScheduleFiresOnceAndMovesToItsNextMinute) {
  ScheduleStore store(*catalog_);
  constexpr int64_t kFiveMinutes = int64_t{5} * 60 * 1000;
  ScheduleSpec spec{seeded_.share.id, JobType::kBackup, {}, {}, std::nullopt, " */5  * * * *"};
  auto fresh = store.Add(seeded_.principal(), spec);
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  EXPECT_EQ(fresh->cron, "*/5 * * * *");
  EXPECT_EQ(fresh->every_ms, 0);
  EXPECT_EQ(fresh->next_due_ms % kFiveMinutes, 0);
  EXPECT_GT(fresh->next_due_ms, fresh->created_ms);
  EXPECT_LE(fresh->next_due_ms, fresh->created_ms + kFiveMinutes);
  EXPECT_EQ(fresh->ToJson()["cron"], "*/5 * * * *");
  EXPECT_TRUE(fresh->ToJson()["every"].is_null());
  EXPECT_EQ(store.EnqueueDue().value(), 0);

  spec.first_due_ms = catalog::NowMs() - milliseconds(hours(3)).count();  // 36 missed runs
  auto missed = store.Add(seeded_.principal(), spec);
  ASSERT_TRUE(missed.ok());
  EXPECT_EQ(store.EnqueueDue().value(), 1);
  EXPECT_EQ(store.EnqueueDue().value(), 0);
  EXPECT_EQ(ScheduledJobs(), 1);
  int64_t now = catalog::NowMs();
  for (const Schedule& s : store.List(seeded_.principal()).value()) {
    EXPECT_EQ(s.cron, "*/5 * * * *");
    EXPECT_EQ(s.next_due_ms % kFiveMinutes, 0);
    EXPECT_GT(s.next_due_ms, now - kFiveMinutes);  // not a missed run
    EXPECT_LE(s.next_due_ms, now + kFiveMinutes);
  }

  spec.cron = "0 2 * * 8";
  auto bad = store.Add(seeded_.principal(), spec);
  EXPECT_TRUE(bad.status().Is(StatusCode::kInvalidArgument));
  EXPECT_NE(bad.status().message().find("day-of-week"), std::string::npos) << bad.status().ToString();
}

INSTANTIATE_TEST_SUITE_P(Engines, ScheduleStoreTest, ::testing::ValuesIn(catalog::testing::AllEngines()),
                         catalog::testing::EngineParamName);

}  // namespace
}  // namespace arbor::jobs
