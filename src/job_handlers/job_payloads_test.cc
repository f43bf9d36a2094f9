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
  EXPECT_FALSE(r2->in_place);
  auto in_place = RestorePayload::FromJson({{"includes", {"/srv/a/b"}}, {"in_place", true}});
  ASSERT_TRUE(in_place.ok()) << in_place.status().ToString();
  EXPECT_EQ(in_place->target, "/") << "in place: the snapshot's own paths";
  EXPECT_TRUE(RestorePayload::FromJson(in_place->ToJson()).ok());
  auto to_azure = RestorePayload::FromJson({{"target", "/back"}, {"target_share_id", "sh_1"}});
  ASSERT_TRUE(to_azure.ok()) << to_azure.status().ToString();
  EXPECT_EQ(RestorePayload::FromJson(to_azure->ToJson())->target_share_id, "sh_1");

  BackupPayload part;
  part.units = {"/srv/a"};
  part.shallow = {"/srv"};
  part.parent = "abcd";
  part.part_of = 42;
  part.share_snapshot = "2026-12-04T20:00:00.0000000Z";
  auto part2 = BackupPayload::FromJson(part.ToJson());
  ASSERT_TRUE(part2.ok());
  EXPECT_EQ(part2->units, part.units);
  EXPECT_EQ(part2->shallow, part.shallow);
  EXPECT_EQ(part2->parent, "abcd");
  EXPECT_EQ(part2->part_of, 42);
  EXPECT_EQ(part2->share_snapshot, part.share_snapshot);

  ScanPayload scan;
  scan.backup.tags = {"weekly"};
  scan.max_files = 5000;
  scan.max_bytes = 1 << 20;
  auto scan2 = ScanPayload::FromJson(scan.ToJson());
  ASSERT_TRUE(scan2.ok());
  EXPECT_EQ(scan2->max_files, 5000);
  EXPECT_EQ(scan2->max_bytes, 1 << 20);
  EXPECT_EQ(scan2->backup.tags, scan.backup.tags);

  AssemblePayload a;
  a.parts = {3, 4, 5};
  a.tags = {"t"};
  auto a2 = AssemblePayload::FromJson(a.ToJson());
  ASSERT_TRUE(a2.ok());
  EXPECT_EQ(a2->parts, a.parts);
  EXPECT_EQ(a2->tags, a.tags);

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
  EXPECT_TRUE(bad(BackupPayload::FromJson({{"shallow", {"rel"}}}).status()));
  EXPECT_TRUE(bad(BackupPayload::FromJson({{"part_of", 3}}).status())) << "a part without units";
  EXPECT_TRUE(bad(BackupPayload::FromJson({{"part_of", -3}, {"units", {"/a"}}}).status()));
  EXPECT_TRUE(bad(BackupPayload::FromJson({{"share_snapshot", "2026-12-04T20:00:00.0000000Z"}}).status()))
      << "a whole-share backup takes its own share snapshot";
  EXPECT_TRUE(bad(ScanPayload::FromJson({{"max_files", 0}}).status()));
  EXPECT_TRUE(bad(ScanPayload::FromJson({{"max_bytes", "big"}}).status()));
  EXPECT_TRUE(bad(AssemblePayload::FromJson(nlohmann::json::object()).status()));
  EXPECT_TRUE(bad(AssemblePayload::FromJson({{"parts", {"x"}}}).status()));
  EXPECT_TRUE(bad(RestorePayload::FromJson({{"target", "relative"}}).status()));
  EXPECT_TRUE(bad(RestorePayload::FromJson({{"target", "/t"}, {"overwrite", "sometimes"}}).status()));
  EXPECT_TRUE(bad(RestorePayload::FromJson({{"in_place", true}}).status())) << "in place needs includes";
  EXPECT_TRUE(
      bad(RestorePayload::FromJson({{"in_place", true}, {"includes", {"/a"}}, {"target_share_id", "s"}})
              .status()));
  EXPECT_TRUE(
      bad(RestorePayload::FromJson({{"in_place", true}, {"target", "/t"}, {"includes", {"/a"}}}).status()));
  EXPECT_TRUE(bad(PrunePayload::FromJson({{"keep_last", -1}}).status()));
  EXPECT_TRUE(bad(PrunePayload::FromJson({{"max_unused", 2.0}}).status()));
}

}  // namespace
}  // namespace arbor::job_handlers
