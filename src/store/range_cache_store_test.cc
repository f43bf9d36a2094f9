#include "store/range_cache_store.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "store/scripted_store.h"
#include "support/temp_dir.h"

namespace arbor {
namespace {

using Op = ScriptedStore::Op;

class RangeCacheStoreTest : public ::testing::Test {
 protected:
  RangeCacheStoreTest() {
    auto inner = std::make_unique<ScriptedStore>(testing::MakeTempDir("arbor-cache"));
    inner_ = inner.get();
    store_ = std::make_unique<RangeCacheStore>(std::move(inner), 10, 4);
  }
  ScriptedStore* inner_;
  std::unique_ptr<RangeCacheStore> store_;
};

TEST_F(RangeCacheStoreTest, SmallReadsOfAPackShareOneRequestPerWindow) {
  const std::string pack = "0123456789abcdefghijklmnopqrstuvwxy";  // 35 bytes: windows of 10, the last short
  ASSERT_TRUE(store_->Put("t/s/packs/aa/p.tar", pack).ok());
  for (uint64_t off = 0; off < pack.size(); off += 3) {
    EXPECT_EQ(*store_->Get("t/s/packs/aa/p.tar", off, 3), pack.substr(off, 3)) << off;
  }
  EXPECT_EQ(inner_->calls(Op::kGet), 4) << "one request per window";
  EXPECT_EQ(*store_->Get("t/s/packs/aa/p.tar", 8, 4), "89ab") << "a read across two windows";
  EXPECT_EQ(*store_->Get("t/s/packs/aa/p.tar", 33, 10), "xy") << "a range past the end returns what exists";
  EXPECT_EQ(*store_->Get("t/s/packs/aa/p.tar", 40, 5), "");
  EXPECT_EQ(store_->Get("t/s/packs/aa/p.tar", 0, ObjectStore::kToEnd)->size(), pack.size())
      << "whole reads pass";
  EXPECT_TRUE(store_->Get("t/s/packs/aa/none", 0, 3).status().Is(StatusCode::kNotFound));
}

TEST_F(RangeCacheStoreTest, MutableObjectsAreNeverCached) {
  ASSERT_TRUE(store_->Put("t/s/locks/l1", "first").ok());
  EXPECT_EQ(*store_->Get("t/s/locks/l1", 0, 5), "first");
  ASSERT_TRUE(store_->Put("t/s/locks/l1", "again").ok());
  EXPECT_EQ(*store_->Get("t/s/locks/l1", 0, 5), "again");
  EXPECT_EQ(inner_->calls(Op::kGet), 2);
}

TEST_F(RangeCacheStoreTest, ADeletedObjectIsNotReadFromTheCache) {
  ASSERT_TRUE(store_->Put("t/s/index/seg", "records").ok());
  EXPECT_EQ(*store_->Get("t/s/index/seg", 0, 3), "rec");
  ASSERT_TRUE(store_->Delete("t/s/index/seg").ok());
  EXPECT_TRUE(store_->Get("t/s/index/seg", 0, 3).status().Is(StatusCode::kNotFound));
}

TEST_F(RangeCacheStoreTest, KeepsAtMostTheWindowsItMay) {
  ASSERT_TRUE(store_->Put("t/s/packs/aa/p.tar", std::string(100, 'x')).ok());
  for (int round = 0; round < 2; ++round) {
    for (uint64_t w = 0; w < 6; ++w) ASSERT_EQ(store_->Get("t/s/packs/aa/p.tar", w * 10, 5)->size(), 5u);
  }
  // Six windows cycled through a cache of four: every read misses (least recently used go first).
  EXPECT_EQ(inner_->calls(Op::kGet), 12);
  EXPECT_EQ(store_->hits(), 0u);
}

TEST_F(RangeCacheStoreTest, ConcurrentReadersSeeTheRightBytes) {
  std::string pack;
  for (int i = 0; i < 1000; ++i) pack.push_back(static_cast<char>('a' + i % 26));
  ASSERT_TRUE(store_->Put("t/s/packs/bb/q.tar", pack).ok());
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (uint64_t off = t; off + 7 < pack.size(); off += 13) {
        ASSERT_EQ(*store_->Get("t/s/packs/bb/q.tar", off, 7), pack.substr(off, 7));
      }
    });
  }
  for (auto& th : threads) th.join();
}

}  // namespace
}  // namespace arbor
