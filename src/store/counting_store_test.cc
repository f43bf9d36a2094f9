#include "store/counting_store.h"

#include <gtest/gtest.h>

#include "base/file_util.h"
#include "store/scripted_store.h"
#include "support/temp_dir.h"

namespace arbor {
namespace {

TEST(CountingStoreTest, CountsOperationsByKindAndBytes) {
  RequestCounts at_close;
  {
    auto inner = std::make_unique<ScriptedStore>(testing::MakeTempDir("arbor-count"));
    std::string staging = inner->StagingDir();
    CountingStore store(std::move(inner), [&](const RequestCounts& c) { at_close = c; });
    ASSERT_TRUE(store.Put("a", std::string(1000, 'a')).ok());
    ASSERT_TRUE(WriteFileAtomic(staging + "/p", std::string(3000, 'p')).ok());
    ASSERT_TRUE(store.PutFile("packs/p", staging + "/p").ok());
    ASSERT_EQ(store.Get("packs/p", 100, 500)->size(), 500u);
    ASSERT_TRUE(store.Stat("a").ok());
    ASSERT_TRUE(store.Stat("missing").status().Is(StatusCode::kNotFound));
    ASSERT_TRUE(store.List("", [](const ObjectInfo&) { return Status::Ok(); }).ok());
    ASSERT_TRUE(store.Delete("a").ok());
    RequestCounts c = store.counts();
    EXPECT_EQ(c.put, 2u);
    EXPECT_EQ(c.bytes_up, 4000u);
    EXPECT_EQ(c.get, 1u);
    EXPECT_EQ(c.bytes_down, 500u);
    EXPECT_EQ(c.head, 2u);
    EXPECT_EQ(c.list, 1u);
    EXPECT_EQ(c.del, 1u);
    EXPECT_EQ(c.failed, 1u);
    EXPECT_EQ(c.ToString(), "PUT 2 (0.0 MiB), GET 1 (0.0 MiB), LIST 1, HEAD 2, DELETE 1, failed 1");
  }
  EXPECT_EQ(at_close.put, 2u) << "the counts are handed over when the store closes";
  EXPECT_EQ(at_close.del, 1u);
}

}  // namespace
}  // namespace arbor
