#include "store/concurrency_limited_store.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "store/scripted_store.h"
#include "support/temp_dir.h"

namespace arbor {
namespace {

using Op = ScriptedStore::Op;

TEST(ConcurrencyLimitedStoreTest, NeverMoreThanTheLimitInFlight) {
  auto inner = std::make_unique<ScriptedStore>(testing::MakeTempDir("arbor-limit"));
  ScriptedStore* scripted = inner.get();
  scripted->SetDelay(std::chrono::milliseconds(20));
  ConcurrencyLimitedStore store(std::move(inner), 3);
  std::vector<std::thread> threads;
  for (int t = 0; t < 12; ++t) {
    threads.emplace_back([&store, t] {
      for (int i = 0; i < 3; ++i) {
        std::string key = "k/" + std::to_string(t) + "/" + std::to_string(i);
        EXPECT_TRUE(store.Put(key, "v").ok());
        EXPECT_TRUE(store.Stat(key).ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(scripted->calls(Op::kPut), 36);
  EXPECT_EQ(scripted->max_in_flight(), 3) << "12 threads must have filled all 3 slots, and never more";
}

TEST(ConcurrencyLimitedStoreTest, AListingCallbackMayUseTheStore) {
  ConcurrencyLimitedStore store(std::make_unique<ScriptedStore>(testing::MakeTempDir("arbor-limit")), 1);
  ASSERT_TRUE(store.Put("locks/a", "lock").ok());
  int read = 0;
  // With one slot, a callback that reads would deadlock if the listing kept its slot.
  ASSERT_TRUE(store
                  .List("locks/",
                        [&](const ObjectInfo& info) -> Status {
                          ARBOR_RETURN_IF_ERROR(store.Get(info.key, 0, ObjectStore::kToEnd).status());
                          ++read;
                          return Status::Ok();
                        })
                  .ok());
  EXPECT_EQ(read, 1);
}

}  // namespace
}  // namespace arbor
