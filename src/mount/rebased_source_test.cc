#include "mount/rebased_source.h"

#include <gtest/gtest.h>

#include "base/file_util.h"
#include "support/temp_dir.h"

namespace arbor {
namespace {

class RebasedSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir("arbor-rebased");
    ASSERT_TRUE(MakeDirs(dir_ + "/stage/sub").ok());
    ASSERT_TRUE(WriteFileAtomic(dir_ + "/stage/sub/x.txt", "x").ok());
  }
  void TearDown() override { (void)RemoveAll(dir_); }
  std::string dir_;
};

TEST_F(RebasedSourceTest, TheFolderReadsAsThePathItIsShownAt) {
  RebasedSource source(dir_ + "/stage", "/srv/data");
  auto above = source.Stat("/srv");
  ASSERT_TRUE(above.ok()) << above.status().ToString();
  EXPECT_EQ(above->name, "srv");
  EXPECT_TRUE(above->IsDir());
  auto top = source.Stat("/srv/data");
  ASSERT_TRUE(top.ok());
  EXPECT_EQ(top->name, "data");
  std::vector<Node> children;
  std::vector<Status> warnings;
  ASSERT_TRUE(source.List("/srv/data/sub", &children, &warnings).ok());
  ASSERT_EQ(children.size(), 1u);
  EXPECT_EQ(children[0].name, "x.txt");
  auto file = source.Stat("/srv/data/sub/x.txt");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->size, 1u);
  EXPECT_TRUE(source.Open("/srv/data/sub/x.txt", *file).ok());
  EXPECT_EQ(source.Kind(), "drop");
}

TEST_F(RebasedSourceTest, NothingElseExists) {
  RebasedSource source(dir_ + "/stage", "/srv/data");
  EXPECT_TRUE(source.Stat("/srv/other").status().Is(StatusCode::kNotFound));
  EXPECT_TRUE(source.Stat("/srv/database").status().Is(StatusCode::kNotFound));
  std::vector<Node> children;
  std::vector<Status> warnings;
  EXPECT_TRUE(source.List("/srv", &children, &warnings).Is(StatusCode::kNotFound));
  EXPECT_TRUE(source.List(dir_ + "/stage", &children, &warnings).Is(StatusCode::kNotFound));
}

TEST_F(RebasedSourceTest, AtTheRootTheFolderIsTheRoot) {
  RebasedSource source(dir_ + "/stage", "/");
  std::vector<Node> children;
  std::vector<Status> warnings;
  ASSERT_TRUE(source.List("/", &children, &warnings).ok());
  ASSERT_EQ(children.size(), 1u);
  EXPECT_EQ(children[0].name, "sub");
  EXPECT_TRUE(source.Stat("/sub/x.txt").ok());
}

}  // namespace
}  // namespace arbor
