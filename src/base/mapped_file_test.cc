#include "base/mapped_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "base/file_util.h"

namespace arbor {
namespace {

std::string TempPath(const char* name) {
  return std::string(::testing::TempDir()) + "/mapped_file_test_" + std::to_string(::getpid()) + "_" + name;
}

TEST(MappedFileTest, ViewsTheWholeFile) {
  std::string path = TempPath("data");
  std::string content(100000, 'x');
  content[99999] = 'z';
  ASSERT_TRUE(WriteFileAtomic(path, content).ok());
  auto mapped = MappedFile::Open(path);
  ASSERT_TRUE(mapped.ok()) << mapped.status().ToString();
  EXPECT_EQ(mapped->size(), content.size());
  EXPECT_EQ(mapped->view(), content);
  MappedFile moved = std::move(mapped).value();
  EXPECT_EQ(moved.view().back(), 'z');
  ::unlink(path.c_str());
}

TEST(MappedFileTest, EmptyFileIsAnEmptyView) {
  std::string path = TempPath("empty");
  ASSERT_TRUE(WriteFileAtomic(path, "").ok());
  auto mapped = MappedFile::Open(path);
  ASSERT_TRUE(mapped.ok());
  EXPECT_TRUE(mapped->view().empty());
  ::unlink(path.c_str());
}

TEST(MappedFileTest, MissingFileIsNotFound) {
  EXPECT_TRUE(MappedFile::Open(TempPath("missing")).status().Is(StatusCode::kNotFound));
}

}  // namespace
}  // namespace arbor
