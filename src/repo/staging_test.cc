#include "repo/staging.h"

#include <gtest/gtest.h>

#include "base/file_util.h"
#include "base/process.h"
#include "support/temp_dir.h"

namespace arbor {
namespace {

using Clock = std::chrono::system_clock;

bool Dead(long) { return false; }
bool Alive(long) { return true; }

// Two hosts share one repository folder (a mounted volume): each only removes what its own
// dead processes left, and anything older than a day.
TEST(StagingTest, AnotherHostsFileIsKeptEvenWhenItsPidIsFreeHere) {
  auto now = Clock::now();
  StagingFileInfo theirs{"pack-4242-7@host-b.tmp", now - std::chrono::minutes(5)};
  EXPECT_FALSE(IsAbandonedStagingFile(theirs, "host-a", now, Dead));
  EXPECT_TRUE(IsAbandonedStagingFile(theirs, "host-b", now, Dead));
  EXPECT_FALSE(IsAbandonedStagingFile(theirs, "host-b", now, Alive));
}

TEST(StagingTest, OldFilesGoWhoeverWroteThem) {
  auto now = Clock::now();
  EXPECT_TRUE(IsAbandonedStagingFile({"pack-1-1@other.tmp", now - std::chrono::hours(25)}, "me", now, Alive));
  EXPECT_TRUE(IsAbandonedStagingFile({"pack-1-1.tmp", now - std::chrono::hours(25)}, "me", now, Alive));
  EXPECT_FALSE(IsAbandonedStagingFile({"pack-1-1.tmp", now - std::chrono::hours(1)}, "me", now, Dead));
}

TEST(StagingTest, OnlyStagingFilesAreEverStale) {
  auto now = Clock::now();
  for (const char* name : {"config", "other-1-1@me.tmp", "pack-12@me", ".tmp"}) {
    EXPECT_FALSE(IsAbandonedStagingFile({name, now - std::chrono::hours(100)}, "me", now, Dead)) << name;
  }
  EXPECT_FALSE(IsAbandonedStagingFile({"pack-abc-1@me.tmp", now}, "me", now, Dead));  // no pid to judge by
}

TEST(StagingTest, CleanRemovesOnlyWhatThisHostsDeadProcessesLeft) {
  std::string dir = testing::MakeTempDir("arbor-staging");
  std::string mine_dead = dir + "/pack-999999999-1@" + HostName() + ".tmp";  // no such pid
  std::string mine_alive = NewStagingPath(dir);                               // this process
  std::string other_host = dir + "/pack-999999999-1@not-" + HostName() + ".tmp";
  for (const auto& p : {mine_dead, mine_alive, other_host}) ASSERT_TRUE(WriteFileAtomic(p, "x").ok());
  EXPECT_EQ(CleanStaleStaging(dir), 1U);
  EXPECT_FALSE(ReadWholeFile(mine_dead).ok());
  EXPECT_TRUE(ReadWholeFile(mine_alive).ok());
  EXPECT_TRUE(ReadWholeFile(other_host).ok());
  (void)RemoveAll(dir);
}

}  // namespace
}  // namespace arbor
