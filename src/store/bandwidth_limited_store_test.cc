#include "store/bandwidth_limited_store.h"

#include <gtest/gtest.h>

#include "base/file_util.h"
#include "store/fake_clock.h"
#include "store/scripted_store.h"
#include "support/temp_dir.h"

namespace arbor {
namespace {

using std::chrono::milliseconds;

TEST(BandwidthLimitedStoreTest, UploadsAndDownloadsHaveTheirOwnLimits) {
  testing::FakeClock up_clock, down_clock;
  auto inner = std::make_unique<ScriptedStore>(testing::MakeTempDir("arbor-bw"));
  std::string staging = inner->StagingDir();
  BandwidthLimitedStore store(
      std::move(inner),
      std::make_unique<TokenBucket>(64 * 1024, TokenBucket::Hooks{up_clock.NowFn(), up_clock.SleepFn()}),
      std::make_unique<TokenBucket>(256 * 1024,
                                    TokenBucket::Hooks{down_clock.NowFn(), down_clock.SleepFn()}));
  const std::string object(64 * 1024, 'x');
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(store.Put("o/" + std::to_string(i), object).ok());
  ASSERT_TRUE(WriteFileAtomic(staging + "/pack", std::string(128 * 1024, 'p')).ok());
  ASSERT_TRUE(store.PutFile("packs/p", staging + "/pack").ok());
  // 6 x 64 KiB at 64 KiB/s, the first second from the burst.
  EXPECT_EQ(std::chrono::duration_cast<milliseconds>(up_clock.slept()), milliseconds(5000));
  EXPECT_TRUE(down_clock.sleeps().empty()) << "uploads must not spend download tokens";

  for (int i = 0; i < 4; ++i)
    ASSERT_EQ(store.Get("o/" + std::to_string(i), 0, ObjectStore::kToEnd)->size(), object.size());
  ASSERT_EQ(store.Get("packs/p", 0, ObjectStore::kToEnd)->size(), 128u * 1024);
  // 384 KiB at 256 KiB/s: the first 256 KiB from the burst, 0.5 s waited.
  EXPECT_EQ(std::chrono::duration_cast<milliseconds>(down_clock.slept()), milliseconds(500));
}

TEST(BandwidthLimitedStoreTest, ANullBucketIsUnlimited) {
  BandwidthLimitedStore store(std::make_unique<ScriptedStore>(testing::MakeTempDir("arbor-bw")), nullptr,
                              nullptr);
  ASSERT_TRUE(store.Put("k", std::string(1 << 20, 'x')).ok());
  EXPECT_EQ(store.Get("k", 0, ObjectStore::kToEnd)->size(), 1u << 20);
}

}  // namespace
}  // namespace arbor
