#include "mount/mount_point.h"

#include <gtest/gtest.h>

#include "base/file_util.h"
#include "support/temp_dir.h"

namespace arbor {
namespace {

TEST(MountPointTest, SaysWhatIsWrongWithABadMountPoint) {
  std::string dir = testing::MakeTempDir("arbor-mnt");
  ASSERT_FALSE(dir.empty());
  EXPECT_TRUE(CheckMountPoint(dir).ok());

  Status missing = CheckMountPoint(dir + "/missing");
  EXPECT_TRUE(missing.Is(StatusCode::kNotFound));
  EXPECT_NE(missing.message().find("does not exist"), std::string::npos);

  ASSERT_TRUE(WriteFileAtomic(dir + "/file", "x").ok());
  Status file = CheckMountPoint(dir + "/file");
  EXPECT_TRUE(file.Is(StatusCode::kInvalidArgument));
  EXPECT_NE(file.message().find("not a directory"), std::string::npos);

  Status full = CheckMountPoint(dir);
  EXPECT_TRUE(full.Is(StatusCode::kInvalidArgument));
  EXPECT_NE(full.message().find("not empty"), std::string::npos);

  Status busy = CheckMountPoint("/proc");  // a mount point of its own
  EXPECT_TRUE(busy.Is(StatusCode::kBusy)) << busy.ToString();
  (void)RemoveAll(dir);
}

}  // namespace
}  // namespace arbor
