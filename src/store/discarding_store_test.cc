#include "store/discarding_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "store/local_store.h"
#include "support/temp_dir.h"

namespace arbor {
namespace {

TEST(DiscardingStore, ReadsPassThroughWritesAndDeletesAreDropped) {
  std::string dir = testing::MakeTempDir("arbor-discard");
  auto local = std::make_unique<LocalStore>(dir);
  ASSERT_TRUE(local->Put("kept", "old").ok());
  DiscardingStore store(std::move(local));

  auto got = store.Get("kept", 0, ObjectStore::kToEnd);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, "old");
  EXPECT_TRUE(store.Put("new", "12345").ok());
  EXPECT_TRUE(store.Put("kept", "overwritten").ok());
  std::string staged = testing::MakeTempDir("arbor-discard-staging") + "/staged";
  std::ofstream(staged) << "abc";
  EXPECT_TRUE(store.PutFile("file", staged).ok());
  EXPECT_FALSE(std::filesystem::exists(staged)) << "PutFile consumes the staged file, as every store's";
  EXPECT_TRUE(store.Delete("kept").ok());

  EXPECT_TRUE(store.Get("new", 0, ObjectStore::kToEnd).status().Is(StatusCode::kNotFound));
  got = store.Get("kept", 0, ObjectStore::kToEnd);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, "old");
  int listed = 0;
  ASSERT_TRUE(store
                  .List("",
                        [&](const ObjectInfo&) {
                          ++listed;
                          return Status::Ok();
                        })
                  .ok());
  EXPECT_EQ(listed, 1);
  DiscardedWrites d = store.discarded();
  EXPECT_EQ(d.puts, 3u);
  EXPECT_EQ(d.bytes, 5u + 11u + 3u);
  EXPECT_EQ(d.deletes, 1u);
  EXPECT_NE(store.Describe().find("dry run"), std::string::npos);
}

TEST(DiscardingStore, PutFileOfAMissingFileFails) {
  std::string dir = testing::MakeTempDir("arbor-discard");
  DiscardingStore store(std::make_unique<LocalStore>(dir));
  EXPECT_FALSE(store.PutFile("x", dir + "/absent").ok());
}

}  // namespace
}  // namespace arbor
