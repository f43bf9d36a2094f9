// The conformance tests every IndexStore passes, instantiated once per store
// (sqlite_store_test.cc, postgres_store_test.cc). Included by exactly one .cc per binary.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "node_index/index_store.h"
#include "node_index/node_tree_impl.h"
#include "node_index/tree_analytics.h"
#include "support/node_facts.h"

namespace arbor::node_index {

struct StoreFactory {
  std::string name;
  std::function<std::unique_ptr<IndexStore>()> open;  // a fresh, empty store
  // Overwrites the stored record of `dir` (all versions) with `bytes`.
  std::function<void(int64_t tree_id, NodeId dir, const std::string& bytes)> overwrite;
};

inline void PrintTo(const StoreFactory& f, std::ostream* os) { *os << f.name; }

class StoreTest : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override { store_ = GetParam().open(); }
  std::unique_ptr<IndexStore> store_;
};

inline std::string StoreName(const ::testing::TestParamInfo<StoreFactory>& p) { return p.param.name; }

namespace store_test {

using testing::Dir;
using testing::File;
constexpr NodeId kRoot = 0xF000000000000001ull;  // >= 2^63: stored bit-cast

inline NodeTree Sample() {
  NodeTree t;
  EXPECT_TRUE(t.PutDirectory(Dir(kRoot, kRoot, ""), std::vector{File(104, "top.md", 5)}).ok());
  EXPECT_TRUE(t.PutDirectory(Dir(2, kRoot, "Dokumente für Jürgen"),
                             std::vector{File(100, "a.txt", 10), File(101, "日本語.pdf", 20)})
                  .ok());
  EXPECT_TRUE(
      t.PutDirectory(Dir(3, 2, "old"), std::vector{File(102, "c.txt", 30), File(105, std::string(300, 'L'))})
          .ok());
  EXPECT_TRUE(t.PutDirectory(Dir(4, kRoot, "pics"), std::vector{File(103, "x.jpg", 40)}).ok());
  EXPECT_TRUE(t.PutDirectory(Dir(5, 3, "empty"), {}).ok());
  return t;
}

// Same directories with byte-identical records as stores keep them (version 1, also for
// trees with a cold column), and the same answers to navigation.
inline void ExpectSameTree(const NodeTree& a, const NodeTree& b) {
  ASSERT_EQ(a.directory_count(), b.directory_count());
  ASSERT_EQ(a.file_count(), b.file_count());
  ASSERT_EQ(a.root(), b.root());
  const NodeTree::Impl& ma = TreeAccess::Of(a);
  const NodeTree::Impl& mb = TreeAccess::Of(b);
  for (uint32_t s = 0; s < ma.slots_.size(); ++s) {
    if (!ma.Live(s)) continue;
    NodeId id = RecordNodeId(ma.Rec(s));
    uint32_t t = mb.SlotOf(id);
    ASSERT_NE(t, kNoSlot) << id;
    std::string scratch_a, scratch_b;
    ASSERT_EQ(ma.StoredRecord(s, &scratch_a), mb.StoredRecord(t, &scratch_b)) << id;
    EXPECT_EQ(*a.PathOf(id), *b.PathOf(id));
    EXPECT_EQ(a.Totals(id)->bytes, b.Totals(id)->bytes);
    EXPECT_EQ(a.Totals(id)->directories, b.Totals(id)->directories);
  }
}

}  // namespace store_test

TEST_P(StoreTest, RoundTripIsIdentical) {
  NodeTree t = store_test::Sample();
  ASSERT_TRUE(store_->Save(7, 1, &t).ok());
  EXPECT_EQ(store_->counters().records_written, 5u);
  auto loaded = store_->Load(7);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_TRUE(loaded->damaged.empty());
  store_test::ExpectSameTree(t, loaded->tree);
  EXPECT_EQ(loaded->tree.Lookup("/Dokumente für Jürgen/old/" + std::string(300, 'L'))->node_id, 105u);
  // Another tree id sees nothing of it.
  auto other = store_->Load(8);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->tree.directory_count(), 0u);
}

// More directories than one load page (5,000 on Postgres) or one insert batch (2,048),
// with a count that leaves an uneven tail, ids on both sides of 2^63.
TEST_P(StoreTest, ManyDirectoriesRoundTripAcrossPagesAndBatches) {
  NodeTree t;
  ASSERT_TRUE(t.PutDirectory(testing::Dir(store_test::kRoot, store_test::kRoot, ""), {}).ok());
  constexpr NodeId kDirs = 12'345;
  for (NodeId d = 1; d <= kDirs; ++d) {
    NodeId id = d <= kDirs / 2 ? d : store_test::kRoot + d;  // consecutive runs
    ASSERT_TRUE(t.PutDirectory(testing::Dir(id, store_test::kRoot, "d" + std::to_string(d)),
                               std::vector{testing::File(kDirs * 4 + d, "f", d)})
                    .ok());
  }
  ASSERT_TRUE(store_->Save(3, 1, &t).ok());
  EXPECT_EQ(store_->counters().records_written, kDirs + 1);
  auto loaded = store_->Load(3);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_TRUE(loaded->damaged.empty());
  store_test::ExpectSameTree(t, loaded->tree);
}

TEST_P(StoreTest, ChangedDirectoryWritesOnlyItsRecord) {
  NodeTree t = store_test::Sample();
  ASSERT_TRUE(store_->Save(1, 1, &t).ok());
  StoreCounters c0 = store_->counters();
  ASSERT_TRUE(t.PutFile(3, testing::File(106, "new.txt", 1)).ok());
  ASSERT_TRUE(store_->Save(1, 2, &t).ok());
  EXPECT_EQ(store_->counters().records_written - c0.records_written, 1u);
  EXPECT_EQ(store_->counters().rows_retired - c0.rows_retired, 1u);
  ASSERT_TRUE(store_->Save(1, 3, &t).ok());  // nothing changed: nothing written
  EXPECT_EQ(store_->counters().records_written - c0.records_written, 1u);
  store_test::ExpectSameTree(t, store_->Load(1)->tree);
}

TEST_P(StoreTest, RenameOfHundredThousandDescendantsWritesOneRecord) {
  NodeTree t;
  using testing::Dir;
  ASSERT_TRUE(t.PutDirectory(Dir(1, 1, ""), {}).ok());
  ASSERT_TRUE(t.PutDirectory(Dir(2, 1, "big"), {}).ok());
  NodeId next = 1000;
  for (NodeId d = 10; d < 510; ++d) {
    std::vector<FileFacts> files;
    for (int i = 0; i < 200; ++i)
      files.push_back(testing::File(next++, "file-" + std::to_string(i) + ".dat"));
    ASSERT_TRUE(t.PutDirectory(Dir(d, d < 20 ? 2 : d / 2 + 5, "sub" + std::to_string(d)), files).ok());
  }
  ASSERT_EQ(t.Totals(2)->files, 100'000u);
  ASSERT_TRUE(store_->Save(1, 1, &t).ok());
  std::vector<NodeInfo> files;
  ASSERT_TRUE(t.ForEachFile(2, [&](const NodeInfo& n) { files.push_back(n); }).ok());
  std::vector<std::string> before;
  for (const NodeInfo& n : files) before.push_back(*t.PathOf(n));
  StoreCounters c0 = store_->counters();
  ASSERT_TRUE(t.MoveDirectory(2, 1, "renamed").ok());
  ASSERT_TRUE(store_->Save(1, 2, &t).ok());
  EXPECT_EQ(store_->counters().records_written - c0.records_written, 1u);
  EXPECT_EQ(store_->counters().rows_retired - c0.rows_retired, 1u);
  auto loaded = store_->Load(1);
  ASSERT_TRUE(loaded.ok());
  for (size_t i = 0; i < files.size(); ++i) {
    std::string after = *loaded->tree.PathOf(files[i]);
    ASSERT_NE(after, before[i]);
    ASSERT_EQ(after, "/renamed" + before[i].substr(4));
  }
}

TEST_P(StoreTest, EachVersionLoadsAsItWas) {
  NodeTree v1 = store_test::Sample();
  ASSERT_TRUE(store_->Save(1, 1, &v1).ok());
  NodeTree v2 = v1.Clone();
  ASSERT_TRUE(v2.PutFile(4, testing::File(200, "y.jpg")).ok());
  ASSERT_TRUE(v2.DeleteSubtree(3).ok());
  ASSERT_TRUE(v2.MoveDirectory(4, 2, "pictures").ok());
  ASSERT_TRUE(store_->Save(1, 2, &v2).ok());
  auto l1 = store_->Load(1, 1);
  auto l2 = store_->Load(1, 2);
  ASSERT_TRUE(l1.ok() && l2.ok());
  store_test::ExpectSameTree(v1, l1->tree);
  store_test::ExpectSameTree(v2, l2->tree);
  store_test::ExpectSameTree(v2, store_->Load(1)->tree);
  auto d = Diff(l1->tree, l2->tree);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->added.size(), 1u);    // y.jpg
  EXPECT_EQ(d->deleted.size(), 4u);  // old, empty, c.txt and LLL...
  EXPECT_EQ(d->moved.size(), 1u);    // pics -> pictures
}

TEST_P(StoreTest, OlderVersionThanStoredIsRefused) {
  NodeTree t = store_test::Sample();
  ASSERT_TRUE(store_->Save(1, 5, &t).ok());
  ASSERT_TRUE(t.PutFile(4, testing::File(600, "late.txt")).ok());
  EXPECT_TRUE(store_->Save(1, 4, &t).Is(StatusCode::kInvalidArgument));
  EXPECT_TRUE(store_->Save(2, 4, &t).ok());  // another tree has its own versions
}

TEST_P(StoreTest, DeletedAndRecreatedInOneVersion) {
  NodeTree t = store_test::Sample();
  ASSERT_TRUE(store_->Save(1, 1, &t).ok());
  ASSERT_TRUE(t.DeleteSubtree(4).ok());
  ASSERT_TRUE(t.PutDirectory(testing::Dir(4, 2, "pics-again"), std::vector{testing::File(300, "z")}).ok());
  ASSERT_TRUE(store_->Save(1, 2, &t).ok());
  ASSERT_TRUE(t.DeleteSubtree(5).ok());
  ASSERT_TRUE(store_->Save(1, 2, &t).ok());  // same version again: overwrites
  store_test::ExpectSameTree(t, store_->Load(1)->tree);
}

TEST_P(StoreTest, DropTreeForgetsEveryVersionOfThatTreeOnly) {
  NodeTree t = store_test::Sample();
  ASSERT_TRUE(store_->Save(1, 1, &t).ok());
  ASSERT_TRUE(t.PutFile(4, testing::File(600, "late.txt")).ok());
  ASSERT_TRUE(store_->Save(1, 5, &t).ok());
  NodeTree other = store_test::Sample();
  ASSERT_TRUE(store_->Save(2, 5, &other).ok());
  ASSERT_TRUE(store_->DropTree(1).ok());
  EXPECT_EQ(store_->Load(1)->tree.directory_count(), 0u);
  EXPECT_EQ(store_->Load(1, 1)->tree.directory_count(), 0u);
  store_test::ExpectSameTree(other, store_->Load(2)->tree);
  // Rebuilt from scratch, the tree may start again at an older version.
  NodeTree rebuilt = store_test::Sample();
  ASSERT_TRUE(store_->Save(1, 3, &rebuilt).ok());
  store_test::ExpectSameTree(rebuilt, store_->Load(1)->tree);
}

TEST_P(StoreTest, CorruptRecordIsNamedAndTheRestLoads) {
  NodeTree t = store_test::Sample();
  ASSERT_TRUE(store_->Save(1, 1, &t).ok());
  std::string scratch;
  std::string rec(TreeAccess::Of(t).StoredRecord(TreeAccess::Of(t).SlotOf(2), &scratch));
  GetParam().overwrite(1, 2, rec.substr(0, rec.size() / 2));  // truncated
  auto loaded = store_->Load(1);
  ASSERT_TRUE(loaded.ok());
  ASSERT_EQ(loaded->damaged.size(), 1u);
  EXPECT_TRUE(loaded->damaged[0].Is(StatusCode::kCorruption));
  EXPECT_NE(loaded->damaged[0].message().find("directory 2:"), std::string::npos)
      << loaded->damaged[0].ToString();
  const NodeTree& l = loaded->tree;
  EXPECT_EQ(l.Lookup("/pics/x.jpg")->node_id, 103u);
  EXPECT_EQ(l.Lookup("/top.md")->node_id, 104u);
  EXPECT_TRUE(l.Lookup("/Dokumente für Jürgen/a.txt").status().Is(StatusCode::kNotFound));
  // The damaged directory's subdirectories still load, below a placeholder.
  EXPECT_EQ(l.Totals(3)->files, 2u);
  EXPECT_TRUE(l.PathOf(3).status().Is(StatusCode::kCorruption));
  EXPECT_EQ(l.file_count(), 4u);
  // A flipped byte (checksum) is caught the same way.
  std::string flipped = rec;
  flipped[flipped.size() / 2] ^= 1;
  GetParam().overwrite(1, 2, flipped);
  auto again = store_->Load(1);
  ASSERT_EQ(again->damaged.size(), 1u);
  EXPECT_NE(again->damaged[0].message().find("checksum"), std::string::npos);
}

// A hot record (its stamps and hashes in some process's cold column) means nothing in a
// store: a loader names it as damage instead of loading files without their hashes.
TEST_P(StoreTest, AHotRecordInAStoreIsRefused) {
  NodeTree t = store_test::Sample();
  ASSERT_TRUE(store_->Save(1, 1, &t).ok());
  std::string scratch;
  RecordView v;
  ASSERT_TRUE(
      RecordView::Parse(TreeAccess::Of(t).StoredRecord(TreeAccess::Of(t).SlotOf(2), &scratch), &v).ok());
  std::vector<FileEntry> files;
  ASSERT_TRUE(v.DecodeAll(&files).ok());
  ASSERT_FALSE(files.empty());
  GetParam().overwrite(1, 2, EncodeHotRecord(v.Header(), files, 0));
  auto loaded = store_->Load(1);
  ASSERT_TRUE(loaded.ok());
  ASSERT_EQ(loaded->damaged.size(), 1u);
  EXPECT_NE(loaded->damaged[0].message().find("hot"), std::string::npos) << loaded->damaged[0].ToString();
  EXPECT_EQ(loaded->tree.Lookup("/pics/x.jpg")->node_id, 103u);
}

}  // namespace arbor::node_index
