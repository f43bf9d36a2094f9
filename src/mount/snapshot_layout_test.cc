#include "mount/snapshot_layout.h"

#include <gtest/gtest.h>

namespace arbor {
namespace {

Snapshot Snap(int64_t secs, char id_byte, std::vector<std::string> tags) {
  Snapshot s;
  s.time_ns = secs * 1000000000;
  s.id.bytes.fill(static_cast<uint8_t>(id_byte));
  s.tree.bytes.fill(static_cast<uint8_t>(id_byte + 1));
  s.tags = std::move(tags);
  return s;
}

std::vector<std::string> Names(const std::vector<Node>& nodes) {
  std::vector<std::string> out;
  out.reserve(nodes.size());
  for (const auto& n : nodes) out.push_back(n.name);
  return out;
}

TEST(SnapshotLayoutTest, NamesSnapshotsByUtcTimeAndShortId) {
  EXPECT_EQ(SnapshotLayout::DirName(Snap(0, 0x1a, {})), "1970-01-01T00:00:00Z_1a1a1a1a");
}

TEST(SnapshotLayoutTest, TopHoldsSnapshotsLatestAndTags) {
  SnapshotLayout layout({Snap(200, 0x22, {"nightly"}), Snap(100, 0x11, {"nightly", "weekly"})}, 0);
  auto top = layout.List("");
  ASSERT_TRUE(top.ok());
  EXPECT_EQ(Names(*top), (std::vector<std::string>{"by-tag", "latest", "snapshots"}));
  EXPECT_EQ((*top)[1].kind, NodeKind::kSymlink);
  EXPECT_EQ((*top)[1].symlink_target, "snapshots/1970-01-01T00:03:20Z_22222222");  // the newest

  auto snaps = layout.List("snapshots");
  ASSERT_TRUE(snaps.ok());
  ASSERT_EQ(snaps->size(), 2u);
  EXPECT_EQ((*snaps)[0].name, "1970-01-01T00:01:40Z_11111111");
  ASSERT_TRUE((*snaps)[0].subtree.has_value());
  EXPECT_EQ((*snaps)[0].subtree->bytes[0], 0x12);
  EXPECT_EQ((*snaps)[0].mtime_ns, 100 * 1000000000LL);

  auto tags = layout.List("by-tag");
  ASSERT_TRUE(tags.ok());
  EXPECT_EQ(Names(*tags), (std::vector<std::string>{"nightly", "weekly"}));
  auto weekly = layout.List("by-tag/weekly");
  ASSERT_TRUE(weekly.ok());
  ASSERT_EQ(weekly->size(), 1u);
  EXPECT_EQ((*weekly)[0].symlink_target, "../../snapshots/1970-01-01T00:01:40Z_11111111");
  EXPECT_FALSE(layout.List("by-tag/monthly").ok());
  EXPECT_FALSE(layout.List("elsewhere").ok());
}

TEST(SnapshotLayoutTest, PartialSnapshotsAndEmptyRepositoriesShowNoLatest) {
  SnapshotLayout empty({}, 0);
  EXPECT_EQ(Names(*empty.List("")), (std::vector<std::string>{"by-tag", "snapshots"}));
  SnapshotLayout partial({Snap(100, 0x11, {PartialTag(7)})}, 0);
  EXPECT_EQ(partial.snapshot_count(), 0u);
  EXPECT_TRUE(partial.List("snapshots")->empty());
}

}  // namespace
}  // namespace arbor
