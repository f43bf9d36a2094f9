#include "store/local_store.h"

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>

#include "store/object_store_conformance.h"
#include "store/open_store.h"
#include "support/temp_dir.h"

namespace arbor {
namespace {

std::unique_ptr<ObjectStore> MakeLocal() {
  auto store = OpenObjectStore(testing::MakeTempDir("arbor-store"), true);
  return store.ok() ? std::move(store).value() : nullptr;
}

INSTANTIATE_TEST_SUITE_P(Local, ObjectStoreConformance, ::testing::Values(StoreFactory{"local", &MakeLocal}),
                         [](const auto& param_info) { return param_info.param.name; });

TEST(LocalStoreTest, LeftoverTemporariesAreInvisible) {
  std::string dir = testing::MakeTempDir("arbor-store");
  auto store = OpenObjectStore(dir, true);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE(MakeDirs(dir + "/t/s/index").ok());
  // What a writer killed between create and rename leaves behind.
  ASSERT_TRUE(WriteFileAtomic(dir + "/t/s/index/abc.tmp-123-456", "partial").ok());
  int count = 0;
  ASSERT_TRUE((*store)
                  ->List("t/",
                         [&](const ObjectInfo&) {
                           ++count;
                           return Status::Ok();
                         })
                  .ok());
  EXPECT_EQ(count, 0);
}

TEST(LocalStoreTest, MissingDirectoryIsNotFoundUnlessCreating) {
  auto store = OpenObjectStore("/nonexistent/arbor/repo", false);
  EXPECT_TRUE(store.status().Is(StatusCode::kNotFound));
}

TEST(LocalStoreTest, AppendOnlyAddsButNeverDeletesOrOverwrites) {
  std::string dir = testing::MakeTempDir("arbor-store");
  auto opened = OpenObjectStore(dir, true);
  ASSERT_TRUE(opened.ok());
  auto* store = dynamic_cast<LocalStore*>(opened->get());
  ASSERT_NE(store, nullptr);
  store->set_append_only(true);
  ObjectStore& os = *store;  // Get(key) is declared in the base

  ASSERT_TRUE(store->Put("t/s/a", "one").ok());
  EXPECT_TRUE(store->Put("t/s/a", "one").ok()) << "an identical re-put (content-named objects) is allowed";
  Status overwrite = store->Put("t/s/a", "two");
  EXPECT_TRUE(overwrite.Is(StatusCode::kPermissionDenied)) << overwrite.ToString();
  EXPECT_NE(overwrite.message().find("append-only"), std::string::npos);
  Status del = store->Delete("t/s/a");
  EXPECT_TRUE(del.Is(StatusCode::kPermissionDenied)) << del.ToString();
  EXPECT_EQ(os.Get("t/s/a").value(), "one");

  // PutFile, as packs are stored: moved into place once, never over another object.
  ASSERT_TRUE(WriteFileAtomic(store->StagingDir() + "/p1", "pack").ok());
  ASSERT_TRUE(store->PutFile("t/s/b", store->StagingDir() + "/p1").ok());
  ASSERT_TRUE(WriteFileAtomic(store->StagingDir() + "/p2", "other pack").ok());
  EXPECT_TRUE(store->PutFile("t/s/b", store->StagingDir() + "/p2").Is(StatusCode::kPermissionDenied));
  EXPECT_EQ(os.Get("t/s/b").value(), "pack");
  EXPECT_TRUE(std::filesystem::is_empty(store->StagingDir())) << "staged files left behind";

  store->set_append_only(false);  // the full-access client (prune) may delete
  EXPECT_TRUE(store->Delete("t/s/a").ok());
  EXPECT_TRUE(os.Get("t/s/a").status().Is(StatusCode::kNotFound));
}

}  // namespace
}  // namespace arbor
