#include "store/wrap_remote.h"

#include <gtest/gtest.h>

#include "store/object_store_conformance.h"
#include "store/open_store.h"
#include "store/scripted_store.h"
#include "support/temp_dir.h"

namespace arbor {
namespace {

using Op = ScriptedStore::Op;

// The whole stack over a local store keeps the store contract.
std::unique_ptr<ObjectStore> MakeWrappedLocal() {
  auto local = OpenObjectStore(testing::MakeTempDir("arbor-wrap"), true);
  return local.ok() ? WrapRemote(std::move(local).value(), StoreOptions{}) : nullptr;
}

INSTANTIATE_TEST_SUITE_P(WrappedLocal, ObjectStoreConformance,
                         ::testing::Values(StoreFactory{"wrapped_local", &MakeWrappedLocal}),
                         [](const auto& param_info) { return param_info.param.name; });

RetryOptions NoWaiting() {
  RetryOptions r;
  r.sleep = [](std::chrono::milliseconds) {};
  return r;
}

TEST(WrapRemoteTest, RetriesAndCountsEveryAttempt) {
  auto inner = std::make_unique<ScriptedStore>(testing::MakeTempDir("arbor-wrap"));
  ScriptedStore* scripted = inner.get();
  scripted->FailNext(Op::kPut, 2, Status::Unavailable("503"));
  StoreOptions options;
  options.print_request_counts = true;
  ::testing::internal::CaptureStderr();
  {
    auto store = WrapRemote(std::move(inner), options, NoWaiting());
    ASSERT_TRUE(store->Put("k", "value").ok());
    EXPECT_EQ(scripted->calls(Op::kPut), 3);
  }
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("store requests (scripted): PUT 3"), std::string::npos) << err;
  EXPECT_NE(err.find("failed 2"), std::string::npos) << err;
}

TEST(WrapRemoteTest, AppliesTheUploadLimit) {
  StoreOptions options;
  options.limit_upload_kib = 256;
  auto store = WrapRemote(std::make_unique<ScriptedStore>(testing::MakeTempDir("arbor-wrap")), options);
  auto start = std::chrono::steady_clock::now();
  // 256 KiB of burst, then 128 KiB of debt: half a second.
  ASSERT_TRUE(store->Put("a", std::string(384 * 1024, 'x')).ok());
  ASSERT_TRUE(store->Put("b", "x").ok());
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(450));
}

TEST(WrapRemoteTest, LimitsOperationsInFlight) {
  auto inner = std::make_unique<ScriptedStore>(testing::MakeTempDir("arbor-wrap"));
  ScriptedStore* scripted = inner.get();
  scripted->SetDelay(std::chrono::milliseconds(5));
  auto store = WrapRemote(std::move(inner), StoreOptions{});
  std::vector<std::thread> threads;
  for (int t = 0; t < kRemoteMaxInFlight + 8; ++t) {
    threads.emplace_back([&store, t] { EXPECT_TRUE(store->Put("k" + std::to_string(t), "v").ok()); });
  }
  for (auto& th : threads) th.join();
  EXPECT_LE(scripted->max_in_flight(), kRemoteMaxInFlight);
}

}  // namespace
}  // namespace arbor
