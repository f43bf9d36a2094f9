#include "store/object_store_conformance.h"

#include <fcntl.h>
#include <unistd.h>

#include <set>
#include <thread>
#include <vector>

#include "base/file_util.h"

namespace arbor {
namespace {

std::set<std::string> ListKeys(ObjectStore* store, const std::string& prefix) {
  std::set<std::string> keys;
  EXPECT_TRUE(store
                  ->List(prefix,
                         [&](const ObjectInfo& info) {
                           keys.insert(info.key);
                           return Status::Ok();
                         })
                  .ok());
  return keys;
}

TEST_P(ObjectStoreConformance, PutGetStatDelete) {
  ASSERT_TRUE(store_->Put("t/s/snapshots/a", "hello world").ok());
  auto got = store_->Get("t/s/snapshots/a");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, "hello world");
  auto info = store_->Stat("t/s/snapshots/a");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->size, 11U);
  ASSERT_TRUE(store_->Delete("t/s/snapshots/a").ok());
  EXPECT_TRUE(store_->Get("t/s/snapshots/a").status().Is(StatusCode::kNotFound));
  EXPECT_TRUE(store_->Stat("t/s/snapshots/a").status().Is(StatusCode::kNotFound));
  EXPECT_TRUE(store_->Delete("t/s/snapshots/a").ok()) << "delete must be idempotent";
}

TEST_P(ObjectStoreConformance, RangedReads) {
  ASSERT_TRUE(store_->Put("k", "0123456789").ok());
  EXPECT_EQ(*store_->Get("k", 3, 4), "3456");
  EXPECT_EQ(*store_->Get("k", 8, 100), "89");
  EXPECT_EQ(*store_->Get("k", 5), "56789");
  EXPECT_EQ(*store_->Get("k", 20, 5), "");
}

TEST_P(ObjectStoreConformance, OverwriteReplacesWholeObject) {
  ASSERT_TRUE(store_->Put("k", "first version, long").ok());
  ASSERT_EQ(*store_->Get("k", 0, 5), "first");
  ASSERT_TRUE(store_->Put("k", "second").ok());
  EXPECT_EQ(*store_->Get("k"), "second");
  EXPECT_EQ(*store_->Get("k", 0, 3), "sec");
}

TEST_P(ObjectStoreConformance, ListByPrefixSeesOnlyCompleteObjects) {
  ASSERT_TRUE(store_->Put("t/s/packs/aa/1", "x").ok());
  ASSERT_TRUE(store_->Put("t/s/packs/bb/2", "y").ok());
  ASSERT_TRUE(store_->Put("t/s/index/3", "z").ok());
  ASSERT_TRUE(store_->Put("t/other/packs/cc/4", "w").ok());
  EXPECT_EQ(ListKeys(store_.get(), "t/s/packs/"),
            (std::set<std::string>{"t/s/packs/aa/1", "t/s/packs/bb/2"}));
  EXPECT_EQ(ListKeys(store_.get(), "t/s/").size(), 3U);
  EXPECT_TRUE(ListKeys(store_.get(), "nothing/").empty());
}

TEST_P(ObjectStoreConformance, PutFileMovesStagedFile) {
  std::string staged = store_->StagingDir() + "/conformance-staged";
  ASSERT_TRUE(MakeDirs(store_->StagingDir()).ok());
  ASSERT_TRUE(WriteFileAtomic(staged, std::string(100000, 'p')).ok());
  ASSERT_TRUE(store_->PutFile("t/s/packs/big", staged).ok());
  EXPECT_EQ(store_->Get("t/s/packs/big")->size(), 100000U);
  EXPECT_NE(::access(staged.c_str(), F_OK), 0) << "staged file must be consumed";
}

TEST_P(ObjectStoreConformance, RejectsKeysThatEscapeTheStore) {
  EXPECT_FALSE(store_->Put("../evil", "x").ok());
  EXPECT_FALSE(store_->Put("/abs", "x").ok());
  EXPECT_FALSE(store_->Put("a/../../b", "x").ok());
  EXPECT_FALSE(store_->Get("a//b").ok());
}

TEST_P(ObjectStoreConformance, ConcurrentWritersAndReaders) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < 50; ++i) {
        std::string key = "c/" + std::to_string(t) + "/" + std::to_string(i);
        std::string value(1000 + i, static_cast<char>('a' + t));
        ASSERT_TRUE(store_->Put(key, value).ok());
        auto got = store_->Get(key, 10, 100);
        ASSERT_TRUE(got.ok()) << got.status().ToString();
        ASSERT_EQ(*got, value.substr(10, 100));
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ListKeys(store_.get(), "c/").size(), 200U);
}

}  // namespace
}  // namespace arbor
