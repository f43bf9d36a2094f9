#include "node_index/tree_analytics.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "support/node_facts.h"

namespace arbor::node_index {
namespace {

using testing::Dir;
using testing::File;

constexpr NodeId kRoot = 1;

NodeTree Sample() {
  NodeTree t;
  EXPECT_TRUE(t.PutDirectory(Dir(kRoot, kRoot, ""), std::vector{File(104, "top.md", 5)}).ok());
  EXPECT_TRUE(
      t.PutDirectory(Dir(2, kRoot, "docs"), std::vector{File(100, "a.txt", 10), File(101, "b.pdf", 2000)})
          .ok());
  EXPECT_TRUE(
      t.PutDirectory(Dir(3, 2, "old"), std::vector{File(102, "c.txt", 30), File(105, "big.iso", 1 << 30)})
          .ok());
  EXPECT_TRUE(t.PutDirectory(Dir(4, kRoot, "pics"), std::vector{File(103, "x.jpg", 40)}).ok());
  return t;
}

std::vector<std::string> Names(const std::vector<NodeInfo>& v) {
  std::vector<std::string> out;
  for (const NodeInfo& n : v) out.push_back(n.name);
  return out;
}

TEST(TreeAnalyticsTest, LargestFilesUnderAPath) {
  NodeTree t = Sample();
  auto top = LargestFiles(t, kRoot, 3);
  ASSERT_TRUE(top.ok());
  EXPECT_EQ(Names(*top), (std::vector<std::string>{"big.iso", "b.pdf", "x.jpg"}));
  EXPECT_EQ(Names(*LargestFiles(t, 2, 10)), (std::vector<std::string>{"big.iso", "b.pdf", "c.txt", "a.txt"}));
  EXPECT_TRUE(LargestFiles(t, 4, 0)->empty());
  EXPECT_TRUE(LargestFiles(t, 99, 1).status().Is(StatusCode::kNotFound));
}

TEST(TreeAnalyticsTest, LargestFilesMatchesBruteForceOnManyDirs) {
  NodeTree t;
  ASSERT_TRUE(t.PutDirectory(Dir(kRoot, kRoot, ""), {}).ok());
  std::vector<uint64_t> sizes;
  uint64_t x = 12345;
  for (NodeId d = 2; d < 200; ++d) {
    std::vector<FileFacts> files;
    for (int i = 0; i < 20; ++i) {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      uint64_t size = (x >> 20) % (1ull << ((x >> 58) % 40));
      files.push_back(File(d * 100 + i, "f" + std::to_string(i), size));
      sizes.push_back(size);
    }
    ASSERT_TRUE(t.PutDirectory(Dir(d, d / 3 < 2 ? kRoot : d / 3, "d" + std::to_string(d)), files).ok());
  }
  std::sort(sizes.rbegin(), sizes.rend());
  auto top = LargestFiles(t, kRoot, 25);
  ASSERT_TRUE(top.ok());
  ASSERT_EQ(top->size(), 25u);
  for (size_t i = 0; i < 25; ++i) EXPECT_EQ((*top)[i].size, sizes[i]) << i;
}

TEST(TreeAnalyticsTest, ExtensionStats) {
  NodeTree t = Sample();
  auto stats = ExtensionStats(t, kRoot);
  ASSERT_TRUE(stats.ok());
  ASSERT_EQ(stats->size(), 5u);
  EXPECT_EQ((*stats)[0].extension, "iso");
  auto txt =
      std::find_if(stats->begin(), stats->end(), [](const ExtensionStat& s) { return s.extension == "txt"; });
  ASSERT_NE(txt, stats->end());
  EXPECT_EQ(txt->files, 2u);
  EXPECT_EQ(txt->bytes, 40u);
  EXPECT_EQ(ExtensionStats(t, 4)->size(), 1u);
}

TEST(TreeAnalyticsTest, DuplicatesByHashAndSize) {
  NodeTree t = Sample();
  FileFacts a = File(200, "copy1.bin", 5000), b = File(201, "copy2.bin", 5000),
            c = File(202, "copy3.bin", 5000);
  b.hash = c.hash = a.hash;
  FileFacts other_size = File(203, "same-hash-other-size.bin", 6000);
  other_size.hash = a.hash;
  ASSERT_TRUE(t.PutFile(2, a).ok());
  ASSERT_TRUE(t.PutFile(3, b).ok());
  ASSERT_TRUE(t.PutFile(4, c).ok());
  ASSERT_TRUE(t.PutFile(4, other_size).ok());
  auto groups = Duplicates(t, 1);
  ASSERT_TRUE(groups.ok());
  ASSERT_EQ(groups->size(), 1u);
  EXPECT_EQ((*groups)[0].size, 5000u);
  EXPECT_EQ((*groups)[0].nodes.size(), 3u);
  EXPECT_TRUE(Duplicates(t, 5001)->empty());
}

TEST(TreeAnalyticsTest, DiffFindsEveryKindOfChange) {
  NodeTree v1 = Sample();
  NodeTree v2 = v1.Clone();
  ASSERT_TRUE(v2.PutFile(2, File(100, "a.txt", 11)).ok());          // modified
  ASSERT_TRUE(v2.PutFile(4, File(300, "new.jpg", 1)).ok());         // added
  ASSERT_TRUE(v2.RemoveFile(kRoot, "top.md").ok());                 // deleted
  ASSERT_TRUE(v2.RemoveFile(3, "c.txt").ok());                      // moved file...
  ASSERT_TRUE(v2.PutFile(4, File(102, "c-renamed.txt", 30)).ok());  // ...to /pics
  ASSERT_TRUE(v2.MoveDirectory(3, kRoot, "old").ok());              // moved dir
  ASSERT_TRUE(v2.PutDirectory(Dir(5, kRoot, "fresh"), std::vector{File(400, "f")}).ok());
  auto d = Diff(v1, v2);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(Names(d->added), (std::vector<std::string>{"new.jpg", "f", "fresh"}));
  EXPECT_EQ(Names(d->deleted), (std::vector<std::string>{"top.md"}));
  ASSERT_EQ(d->modified.size(), 1u);
  EXPECT_EQ(d->modified[0].after.size, 11u);
  ASSERT_EQ(d->moved.size(), 2u);
  for (const NodeChange& m : d->moved) {
    if (m.after.kind == NodeKind::kDirectory) {
      EXPECT_EQ(m.before.parent_id, 2u);
      EXPECT_EQ(m.after.parent_id, kRoot);
    } else {
      EXPECT_EQ(m.before.name, "c.txt");
      EXPECT_EQ(m.after.name, "c-renamed.txt");
    }
  }
  auto none = Diff(v1, v1.Clone());
  EXPECT_TRUE(none->added.empty() && none->deleted.empty() && none->modified.empty() && none->moved.empty());
}

TEST(TreeAnalyticsTest, DiffOfIndependentTreesComparesBytes) {
  NodeTree v1 = Sample();
  NodeTree v2 = Sample();  // same content, no shared records
  ASSERT_TRUE(v2.DeleteSubtree(2).ok());
  auto d = Diff(v1, v2);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->added.empty());
  EXPECT_EQ(d->deleted.size(), 6u);  // docs, old and their four files
}

}  // namespace
}  // namespace arbor::node_index
