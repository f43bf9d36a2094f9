#include "store/local_store.h"

#include <sys/stat.h>

#include <cstdlib>

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

}  // namespace
}  // namespace arbor
