#include "mount/blob_cache.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "mount/mount_test_repo.h"

namespace arbor {
namespace {

using BlobCacheTest = testing::MountTestRepo;

TEST_F(BlobCacheTest, KeepsAtMostItsCapacityAndEvictsTheLeastRecentlyUsed) {
  std::vector<Digest> ids;
  for (char c : {'a', 'b', 'c', 'd'}) ids.push_back(Put(std::string(100, c)));
  BlobCache cache(*repo_, 250);
  for (const Digest& id : ids) ASSERT_TRUE(cache.Get(id).ok());
  BlobCacheStats s = cache.Stats();
  EXPECT_EQ(s.loads, 4u);
  EXPECT_LE(s.bytes_cached, 250u);
  EXPECT_EQ(s.blobs_cached, 2u);
  // The newest two are kept (hits), the oldest was evicted (a new load).
  auto d = cache.Get(ids[3]);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(**d, std::string(100, 'd'));
  EXPECT_EQ(cache.Stats().loads, 4u);
  ASSERT_TRUE(cache.Get(ids[0]).ok());
  EXPECT_EQ(cache.Stats().loads, 5u);
  EXPECT_LE(cache.Stats().bytes_cached, 250u);
}

TEST_F(BlobCacheTest, ABlobLargerThanTheCacheIsReturnedButNotKept) {
  Digest big = Put(std::string(1000, 'x'));
  BlobCache cache(*repo_, 100);
  auto got = cache.Get(big);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ((*got)->size(), 1000u);
  EXPECT_EQ(cache.Stats().bytes_cached, 0u);
}

TEST_F(BlobCacheTest, ConcurrentReadersOfOneBlobLoadItOnce) {
  Digest id = Put(std::string(1 << 20, 'z'));
  BlobCache cache(*repo_, 64 << 20);
  std::vector<std::thread> threads;
  threads.reserve(8);
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      auto got = cache.Get(id);
      if (got.ok() && (*got)->size() == (1u << 20)) ok++;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 8);
  EXPECT_EQ(cache.Stats().loads, 1u);
}

TEST_F(BlobCacheTest, AMissingBlobIsAnErrorAndIsNotCached) {
  BlobCache cache(*repo_, 1 << 20);
  Digest missing = repo_->BlobId("never stored");
  EXPECT_FALSE(cache.Get(missing).ok());
  EXPECT_FALSE(cache.Get(missing).ok());
  EXPECT_EQ(cache.Stats().loads, 2u);  // tried again, not remembered as missing
  EXPECT_EQ(cache.Stats().blobs_cached, 0u);
}

TEST_F(BlobCacheTest, PrefetchLoadsInTheBackground) {
  Digest id = Put("prefetched");
  {
    BlobCache cache(*repo_, 1 << 20);
    cache.Prefetch(id);
    cache.Prefetch(id);  // already loading or cached: no second load
    auto got = cache.Get(id);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(**got, "prefetched");
    EXPECT_EQ(cache.Stats().loads, 1u);
  }
}

}  // namespace
}  // namespace arbor
