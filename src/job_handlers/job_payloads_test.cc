#include "job_handlers/job_payloads.h"

#include <gtest/gtest.h>

namespace arbor::job_handlers {
namespace {

TEST(JobPayloadsTest, RoundTrip) {
  BackupPayload b;
  b.tags = {"nightly"};
  b.excludes = {"*.tmp"};
  b.force = true;
  auto b2 = BackupPayload::FromJson(b.ToJson());
  ASSERT_TRUE(b2.ok());
  EXPECT_EQ(b2->tags, b.tags);
  EXPECT_EQ(b2->excludes, b.excludes);
  EXPECT_TRUE(b2->force);

  RestorePayload r;
  r.target = "/restore";
  r.includes = {"/a"};
  r.overwrite = "never";
  auto r2 = RestorePayload::FromJson(r.ToJson());
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->target, "/restore");
  EXPECT_EQ(r2->snapshot, "latest");
  EXPECT_EQ(r2->overwrite, "never");

  PrunePayload p;
  p.policy.last = 3;
  p.policy.keep_tags = {"keep"};
  auto p2 = PrunePayload::FromJson(p.ToJson());
  ASSERT_TRUE(p2.ok());
  EXPECT_EQ(p2->policy.last, 3);
  EXPECT_EQ(p2->policy.keep_tags, p.policy.keep_tags);
}

TEST(JobPayloadsTest, EmptyObjectMeansDefaults) {
  EXPECT_TRUE(BackupPayload::FromJson(nlohmann::json::object()).ok());
  EXPECT_TRUE(VerifyPayload::FromJson(nlohmann::json::object()).ok());
  EXPECT_TRUE(PrunePayload::FromJson(nlohmann::json::object())->policy.Empty());
}

TEST(JobPayloadsTest, BadPayloadsAreInvalidArgument) {
  auto bad = [](const Status& st) { return st.Is(StatusCode::kInvalidArgument); };
  EXPECT_TRUE(bad(BackupPayload::FromJson({{"tags", "not-a-list"}}).status()));
  EXPECT_TRUE(bad(BackupPayload::FromJson({{"units", {"relative/dir"}}}).status()));
  EXPECT_TRUE(bad(BackupPayload::FromJson(nlohmann::json::array()).status()));
  EXPECT_TRUE(bad(RestorePayload::FromJson({{"target", "relative"}}).status()));
  EXPECT_TRUE(bad(RestorePayload::FromJson({{"target", "/t"}, {"overwrite", "sometimes"}}).status()));
  EXPECT_TRUE(bad(PrunePayload::FromJson({{"keep_last", -1}}).status()));
  EXPECT_TRUE(bad(PrunePayload::FromJson({{"max_unused", 2.0}}).status()));
}

}  // namespace
}  // namespace arbor::job_handlers
