#include "store/fault_injecting_store.h"

#include <gtest/gtest.h>

#include "base/file_util.h"
#include "store/object_store_conformance.h"
#include "store/open_store.h"
#include "support/temp_dir.h"

namespace arbor {
namespace {

std::unique_ptr<ObjectStore> MakeLocal(const std::string& dir) {
  auto store = OpenObjectStore(dir, true);
  return store.ok() ? std::move(store).value() : nullptr;
}

// With no crash planned, the wrapper is a store like any other.
std::unique_ptr<ObjectStore> MakeNeverCrashing() {
  return std::make_unique<FaultInjectingStore>(MakeLocal(testing::MakeTempDir("arbor-fault")), FaultPlan{});
}

INSTANTIATE_TEST_SUITE_P(FaultInjecting, ObjectStoreConformance,
                         ::testing::Values(StoreFactory{"fault_injecting", &MakeNeverCrashing}),
                         [](const auto& param_info) { return param_info.param.name; });

class FaultInjectingStoreTest : public ::testing::Test {
 protected:
  // Three puts; the second one crashes with `effect`.
  std::unique_ptr<FaultInjectingStore> RunThreePuts(FaultPlan::Effect effect, int* crashes) {
    dir_ = testing::MakeTempDir("arbor-fault");
    FaultPlan plan;
    plan.crash_at = 1;
    plan.effect = effect;
    plan.on_crash = [crashes] { ++*crashes; };
    auto store = std::make_unique<FaultInjectingStore>(MakeLocal(dir_), plan);
    EXPECT_TRUE(store->Put("t/a", "first").ok());
    EXPECT_TRUE(store->Put("t/b", "second!!").Is(StatusCode::kIOError));
    EXPECT_TRUE(store->Put("t/c", "third").Is(StatusCode::kIOError));
    return store;
  }
  Result<std::string> Read(const std::string& key) {
    return MakeLocal(dir_)->Get(key, 0, ObjectStore::kToEnd);
  }
  std::string dir_;
};

TEST_F(FaultInjectingStoreTest, NotDoneLeavesNothingAndLaterWritesFail) {
  int crashes = 0;
  auto store = RunThreePuts(FaultPlan::Effect::kNotDone, &crashes);
  EXPECT_EQ(*Read("t/a"), "first");
  EXPECT_TRUE(Read("t/b").status().Is(StatusCode::kNotFound));
  EXPECT_TRUE(Read("t/c").status().Is(StatusCode::kNotFound));
  EXPECT_TRUE(store->crashed());
  EXPECT_EQ(store->mutations(), 2U);  // the third never counted: the process is gone
  EXPECT_GE(crashes, 1);
  EXPECT_TRUE(store->Delete("t/a").Is(StatusCode::kIOError));
  EXPECT_EQ(*Read("t/a"), "first");
  EXPECT_EQ(*store->Get("t/a", 0, ObjectStore::kToEnd), "first");  // reads still work
}

TEST_F(FaultInjectingStoreTest, TornLeavesHalfAnObject) {
  int crashes = 0;
  auto store = RunThreePuts(FaultPlan::Effect::kTorn, &crashes);
  EXPECT_EQ(*Read("t/b"), "seco");
  EXPECT_TRUE(Read("t/c").status().Is(StatusCode::kNotFound));
}

TEST_F(FaultInjectingStoreTest, DoneWritesButReportsFailure) {
  int crashes = 0;
  auto store = RunThreePuts(FaultPlan::Effect::kDone, &crashes);
  EXPECT_EQ(*Read("t/b"), "second!!");
  EXPECT_TRUE(Read("t/c").status().Is(StatusCode::kNotFound));
  ASSERT_EQ(store->Log().size(), 2U);
  EXPECT_EQ(store->Log()[1], "put t/b");
}

TEST_F(FaultInjectingStoreTest, CrashOnDeleteAndPutFile) {
  dir_ = testing::MakeTempDir("arbor-fault");
  FaultPlan plan;
  plan.crash_at = 2;
  auto store = std::make_unique<FaultInjectingStore>(MakeLocal(dir_), plan);
  ASSERT_TRUE(store->Put("t/a", "a").ok());
  std::string staged = store->StagingDir() + "/x";
  ASSERT_TRUE(WriteFileAtomic(staged, "staged").ok());
  ASSERT_TRUE(store->PutFile("t/f", staged).ok());
  EXPECT_TRUE(store->Delete("t/a").Is(StatusCode::kIOError));
  EXPECT_EQ(*Read("t/a"), "a");
  EXPECT_EQ(*Read("t/f"), "staged");
}

}  // namespace
}  // namespace arbor
