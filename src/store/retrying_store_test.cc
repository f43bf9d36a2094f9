#include "store/retrying_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <map>

#include "base/file_util.h"
#include "store/fake_clock.h"
#include "store/scripted_store.h"
#include "support/temp_dir.h"

namespace arbor {
namespace {

using Op = ScriptedStore::Op;
using std::chrono::milliseconds;

class RetryingStoreTest : public ::testing::Test {
 protected:
  RetryingStoreTest() {
    auto inner = std::make_unique<ScriptedStore>(testing::MakeTempDir("arbor-retry"));
    inner_ = inner.get();
    options_.now = clock_.NowFn();
    options_.sleep = clock_.SleepMsFn();
    options_.seed = 42;
    inner_owner_ = std::move(inner);
  }
  RetryingStore& Store() {
    if (!store_) store_ = std::make_unique<RetryingStore>(std::move(inner_owner_), options_);
    return *store_;
  }

  testing::FakeClock clock_;
  RetryOptions options_;
  ScriptedStore* inner_;
  std::unique_ptr<ObjectStore> inner_owner_;
  std::unique_ptr<RetryingStore> store_;
};

TEST_F(RetryingStoreTest, RetriesTransientFailuresWithFullJitterBackoff) {
  inner_->FailNext(Op::kPut, 5, Status::Unavailable("503 ServerBusy"));
  ASSERT_TRUE(Store().Put("k", "v").ok());
  EXPECT_EQ(inner_->calls(Op::kPut), 6);
  EXPECT_EQ(Store().retries(), 5u);
  auto sleeps = clock_.sleeps();
  ASSERT_EQ(sleeps.size(), 5u);
  for (size_t i = 0; i < sleeps.size(); ++i) {
    // Full jitter: anywhere from nothing up to base * 2^i.
    EXPECT_LE(sleeps[i], options_.base_delay * (1 << i)) << "wait " << i;
  }
  EXPECT_EQ(*Store().Get("k", 0, ObjectStore::kToEnd), "v");
}

TEST_F(RetryingStoreTest, FinalAnswersComeBackAtOnce) {
  for (StatusCode code : {StatusCode::kPermissionDenied, StatusCode::kNotFound, StatusCode::kInvalidArgument,
                          StatusCode::kCorruption, StatusCode::kIOError}) {
    inner_->FailNext(Op::kStat, 1, Status(code, "final"));
    EXPECT_TRUE(Store().Stat("k").status().Is(code)) << StatusCodeName(code);
  }
  EXPECT_EQ(inner_->calls(Op::kStat), 5);
  EXPECT_TRUE(clock_.sleeps().empty());
  EXPECT_EQ(Store().retries(), 0u);
}

TEST_F(RetryingStoreTest, WaitsAtLeastWhatTheServiceAsked) {
  inner_->FailNext(Op::kDelete, 1, Status::Unavailable("throttled").WithRetryAfter(milliseconds(7000)));
  ASSERT_TRUE(Store().Delete("k").ok());
  ASSERT_EQ(clock_.sleeps().size(), 1u);
  EXPECT_GE(clock_.sleeps()[0], milliseconds(7000));
}

TEST_F(RetryingStoreTest, GivesUpAfterMaxAttempts) {
  options_.max_attempts = 4;
  inner_->FailNext(Op::kGet, 100, Status::Unavailable("connection reset"));
  auto got = Store().Get("k", 0, ObjectStore::kToEnd);
  ASSERT_TRUE(got.status().Is(StatusCode::kUnavailable));
  EXPECT_NE(got.status().message().find("gave up after 4 attempts"), std::string::npos)
      << got.status().message();
  EXPECT_EQ(inner_->calls(Op::kGet), 4);
}

TEST_F(RetryingStoreTest, GivesUpRatherThanWaitPastTheTotalBudget) {
  options_.max_total = milliseconds(1000);
  inner_->FailNext(Op::kPut, 100, Status::Unavailable("busy").WithRetryAfter(milliseconds(600)));
  auto st = Store().Put("k", "v");
  EXPECT_TRUE(st.Is(StatusCode::kUnavailable));
  EXPECT_EQ(inner_->calls(Op::kPut), 2) << "a second 600 ms wait would end past 1 s";
  EXPECT_LE(clock_.slept(), milliseconds(1000));
  EXPECT_EQ(st.retry_after(), milliseconds(600)) << "the hint travels on to the caller";
}

TEST_F(RetryingStoreTest, PutFileIsRetriedWithTheSameStagedFile) {
  std::string staged = inner_->StagingDir() + "/pack-1";
  ASSERT_TRUE(WriteFileAtomic(staged, std::string(5000, 'x')).ok());
  inner_->FailNext(Op::kPutFile, 2, Status::Unavailable("reset mid-body"));
  ASSERT_TRUE(Store().PutFile("packs/p", staged).ok());
  EXPECT_EQ(inner_->calls(Op::kPutFile), 3);
  EXPECT_EQ(Store().Get("packs/p", 0, ObjectStore::kToEnd)->size(), 5000u);
  EXPECT_NE(::access(staged.c_str(), F_OK), 0) << "consumed once stored";
}

TEST_F(RetryingStoreTest, ARestartedListingReportsEachObjectOnce) {
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(Store().Put("idx/" + std::to_string(i), "x").ok());
  inner_->FailNext(Op::kList, 1, Status::Unavailable("connection reset on page 2"));
  std::map<std::string, int> seen;
  ASSERT_TRUE(Store()
                  .List("idx/",
                        [&](const ObjectInfo& info) {
                          ++seen[info.key];
                          return Status::Ok();
                        })
                  .ok());
  EXPECT_EQ(inner_->calls(Op::kList), 2);
  EXPECT_EQ(seen.size(), 10u);
  for (const auto& [key, n] : seen) EXPECT_EQ(n, 1) << key;
}

TEST_F(RetryingStoreTest, TheCallersOwnErrorEndsAListing) {
  ASSERT_TRUE(Store().Put("idx/a", "x").ok());
  auto st = Store().List("idx/", [](const ObjectInfo&) { return Status::Unavailable("caller's own"); });
  EXPECT_TRUE(st.Is(StatusCode::kUnavailable));
  EXPECT_EQ(inner_->calls(Op::kList), 1);
}

}  // namespace
}  // namespace arbor
