#include "base/dir_resolver.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vector>

#include "support/deep_tree.h"
#include "support/temp_dir.h"

namespace arbor {
namespace {

class DirResolverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = testing::MakeTempDir("arbor-resolver");
    ASSERT_FALSE(root_.empty());
  }
  void TearDown() override { (void)RemoveAll(root_); }

  void Mkdir(const std::string& rel) { ASSERT_EQ(::mkdir((root_ + rel).c_str(), 0755), 0) << rel; }
  void Touch(const std::string& rel) {
    UniqueFd fd(::open((root_ + rel).c_str(), O_WRONLY | O_CREAT, 0644));
    ASSERT_TRUE(fd.valid()) << rel;
  }
  static bool Has(const DirResolver::Handle& dir, const char* name) {
    struct stat st {};
    return ::fstatat(dir->get(), name, &st, AT_SYMLINK_NOFOLLOW) == 0;
  }

  std::string root_;
};

TEST_F(DirResolverTest, ReachesDirectoriesBelowPathMax) {
  DirResolver resolver(root_);
  UniqueFd dir = testing::OpenDeepTree(root_, /*make=*/true);
  ASSERT_TRUE(dir.valid());
  std::string path = testing::DeepPath();
  ASSERT_GT(root_.size() + path.size(), static_cast<size_t>(PATH_MAX));
  UniqueFd(::openat(dir.get(), "bottom", O_WRONLY | O_CREAT, 0644));
  auto deep = resolver.OpenDir(path);
  ASSERT_TRUE(deep.ok()) << deep.status().ToString();
  EXPECT_TRUE(Has(*deep, "bottom"));
  auto parent = resolver.OpenParent(path + "/bottom");
  ASSERT_TRUE(parent.ok()) << parent.status().ToString();
  EXPECT_EQ(parent->second, "bottom");
  EXPECT_TRUE(Has(parent->first, "bottom"));
}

TEST_F(DirResolverTest, NeverFollowsASymlinkOnTheWay) {
  std::string outside = testing::MakeTempDir("arbor-outside");
  ASSERT_EQ(::mkdir((outside + "/inner").c_str(), 0755), 0);
  ASSERT_EQ(::symlink(outside.c_str(), (root_ + "/link").c_str()), 0);
  DirResolver resolver(root_);
  EXPECT_FALSE(resolver.OpenDir("/link").ok());
  EXPECT_FALSE(resolver.OpenDir("/link/inner").ok());
  EXPECT_FALSE(resolver.OpenParent("/link/inner/file").ok());
  // The root itself is the caller's choice and is followed.
  DirResolver through_link(root_ + "/link");
  auto inner = through_link.OpenDir("/inner");
  EXPECT_TRUE(inner.ok()) << inner.status().ToString();
  (void)RemoveAll(outside);
}

TEST_F(DirResolverTest, RefusesPathsThatAreNotPlainNames) {
  Mkdir("/a");
  DirResolver resolver(root_);
  for (const std::string& bad :
       std::vector<std::string>{"", "a", "/a/", "/a//a", "/.", "/a/..", "/..", std::string("/a\0b", 4)}) {
    EXPECT_TRUE(resolver.OpenDir(bad).status().Is(StatusCode::kInvalidArgument)) << bad;
  }
  EXPECT_TRUE(resolver.OpenParent("/").status().Is(StatusCode::kInvalidArgument));
  EXPECT_TRUE(resolver.OpenDir("/").ok());
  EXPECT_TRUE(resolver.OpenDir("/a").ok());
}

TEST_F(DirResolverTest, ReachesWhatIsAtThePathNowNotWhatWasCached) {
  Mkdir("/p");
  Mkdir("/p/q");
  Touch("/p/q/old");
  DirResolver resolver(root_);
  auto first = resolver.OpenDir("/p/q");
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(Has(*first, "old"));
  EXPECT_GE(resolver.cached(), 2U);

  // The directory itself moved away and a new one took its name.
  ASSERT_EQ(::rename((root_ + "/p/q").c_str(), (root_ + "/p/q-moved").c_str()), 0);
  Mkdir("/p/q");
  Touch("/p/q/new");
  auto second = resolver.OpenDir("/p/q");
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(Has(*second, "new"));
  EXPECT_FALSE(Has(*second, "old"));

  // An ancestor moved away: the cached /p/q is still named .../p-moved/q by the kernel.
  ASSERT_EQ(::rename((root_ + "/p").c_str(), (root_ + "/p-moved").c_str()), 0);
  Mkdir("/p");
  Mkdir("/p/q");
  Touch("/p/q/newest");
  auto third = resolver.OpenDir("/p/q");
  ASSERT_TRUE(third.ok());
  EXPECT_TRUE(Has(*third, "newest"));
  EXPECT_FALSE(Has(*third, "new"));

  // Replaced by a file, or removed: an error, not the old directory.
  ASSERT_TRUE(RemoveAll(root_ + "/p/q").ok());
  Touch("/p/q");
  EXPECT_TRUE(resolver.OpenDir("/p/q").status().Is(StatusCode::kNotFound));
  ASSERT_EQ(::unlink((root_ + "/p/q").c_str()), 0);
  EXPECT_TRUE(resolver.OpenDir("/p/q").status().Is(StatusCode::kNotFound));
}

TEST_F(DirResolverTest, KeepsABoundedNumberOfDirectoriesOpen) {
  DirResolver resolver(root_, 4);
  for (int i = 0; i < 20; ++i) Mkdir("/d" + std::to_string(i));
  std::vector<DirResolver::Handle> held;
  for (int i = 0; i < 20; ++i) {
    auto dir = resolver.OpenDir("/d" + std::to_string(i));
    ASSERT_TRUE(dir.ok()) << dir.status().ToString();
    held.push_back(*dir);
    EXPECT_LE(resolver.cached(), 4U);
  }
  // Handles dropped by the cache stay usable by whoever holds them.
  for (const auto& h : held) EXPECT_TRUE(Has(h, "."));
  UniqueFd mine(::open((root_ + "/d3").c_str(), O_RDONLY | O_DIRECTORY));
  resolver.Keep("/d3", std::move(mine));
  EXPECT_LE(resolver.cached(), 4U);
}

TEST(FdEntryPathTest, NamesAnEntryThroughItsDirectory) {
  EXPECT_EQ(FdEntryPath(7, "name"), "/proc/self/fd/7/name");
  EXPECT_EQ(FdEntryPath(7, ""), "/proc/self/fd/7");
}

}  // namespace
}  // namespace arbor
