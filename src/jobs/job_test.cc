#include "jobs/job.h"

#include <gtest/gtest.h>

namespace arbor::jobs {
namespace {

TEST(JobTest, TypeAndStateNamesRoundTrip) {
  for (JobType t : {JobType::kScan, JobType::kBackup, JobType::kRestore, JobType::kVerify, JobType::kPrune,
                    JobType::kAssemble}) {
    EXPECT_EQ(ParseJobType(JobTypeName(t)).value(), t);
  }
  for (JobState s : {JobState::kQueued, JobState::kRunning, JobState::kSucceeded, JobState::kFailed,
                     JobState::kCancelled}) {
    EXPECT_EQ(ParseJobState(JobStateName(s)).value(), s);
  }
  EXPECT_FALSE(ParseJobType("compact").ok());
}

TEST(JobTest, TerminalStates) {
  EXPECT_FALSE(IsTerminal(JobState::kQueued));
  EXPECT_FALSE(IsTerminal(JobState::kRunning));
  EXPECT_TRUE(IsTerminal(JobState::kSucceeded));
  EXPECT_TRUE(IsTerminal(JobState::kFailed));
  EXPECT_TRUE(IsTerminal(JobState::kCancelled));
}

TEST(JobTest, JsonNamesTheRootOfARootJob) {
  Job j;
  j.id = 7;
  EXPECT_EQ(j.ToJson()["root_id"], 7);
  j.root_id = 3;
  EXPECT_EQ(j.ToJson()["root_id"], 3);
  EXPECT_EQ(j.ToJson()["state"], "queued");
}

}  // namespace
}  // namespace arbor::jobs
