#include "node_index/node_tree.h"

#include <gtest/gtest.h>

#include "node_index/node_tree_impl.h"
#include "support/node_facts.h"

namespace arbor::node_index {
namespace {

using testing::Dir;
using testing::File;

constexpr NodeId kRoot = 1;

// /            (1)
//   docs/      (2)  a.txt(100, 10 B) b.pdf(101, 20 B)
//     old/     (3)  c.txt(102, 30 B)
//   pics/      (4)  x.jpg(103, 40 B)
//   top.md (104, 5 B)
NodeTree Sample() {
  NodeTree t;
  EXPECT_TRUE(t.PutDirectory(Dir(kRoot, kRoot, ""), std::vector{File(104, "top.md", 5)}).ok());
  EXPECT_TRUE(
      t.PutDirectory(Dir(2, kRoot, "docs"), std::vector{File(100, "a.txt", 10), File(101, "b.pdf", 20)})
          .ok());
  EXPECT_TRUE(t.PutDirectory(Dir(3, 2, "old"), std::vector{File(102, "c.txt", 30)}).ok());
  EXPECT_TRUE(t.PutDirectory(Dir(4, kRoot, "pics"), std::vector{File(103, "x.jpg", 40)}).ok());
  return t;
}

TEST(NodeTreeTest, LookupAndPathRoundTrip) {
  NodeTree t = Sample();
  auto n = t.Lookup("/docs/old/c.txt");
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(n->node_id, 102u);
  EXPECT_EQ(n->size, 30u);
  EXPECT_EQ(*t.PathOf(*n), "/docs/old/c.txt");
  EXPECT_EQ(*t.PathOf(3), "/docs/old");
  EXPECT_EQ(*t.PathOf(kRoot), "/");
  EXPECT_EQ(t.Lookup("docs/old/")->node_id, 3u);
  EXPECT_EQ(t.Lookup("/")->node_id, kRoot);
  EXPECT_TRUE(t.Lookup("/docs/nope").status().Is(StatusCode::kNotFound));
  EXPECT_TRUE(t.Lookup("/docs/a.txt/x").status().Is(StatusCode::kNotFound));
  EXPECT_TRUE(t.Lookup("/docs/../pics").status().Is(StatusCode::kInvalidArgument));
}

TEST(NodeTreeTest, ListIsSortedAndMixesDirsAndFiles) {
  NodeTree t = Sample();
  auto l = t.List(kRoot);
  ASSERT_TRUE(l.ok());
  std::vector<std::string> names;
  for (const NodeInfo& n : *l) names.push_back(n.name);
  EXPECT_EQ(names, (std::vector<std::string>{"docs", "pics", "top.md"}));
  EXPECT_EQ((*l)[0].kind, NodeKind::kDirectory);
  EXPECT_EQ((*l)[2].kind, NodeKind::kFile);
  // Files before, between and after the directories, and a name that differs in case.
  for (auto [id, name] :
       {std::pair<NodeId, const char*>{200, "zz"}, {201, "a.md"}, {202, "m.txt"}, {203, "Pics"}}) {
    ASSERT_TRUE(t.PutFile(kRoot, File(id, name, 1)).ok());
  }
  ASSERT_TRUE(t.PutDirectory(Dir(5, kRoot, "b"), {}).ok());
  names.clear();
  for (const NodeInfo& n : *t.List(kRoot)) names.push_back(n.name);
  EXPECT_EQ(names, (std::vector<std::string>{"Pics", "a.md", "b", "docs", "m.txt", "pics", "top.md", "zz"}));
}

TEST(NodeTreeTest, TotalsFollowEveryWrite) {
  NodeTree t = Sample();
  EXPECT_EQ(t.Totals(kRoot)->bytes, 105u);
  EXPECT_EQ(t.Totals(kRoot)->files, 5u);
  EXPECT_EQ(t.Totals(kRoot)->directories, 3u);
  EXPECT_EQ(t.Totals(2)->bytes, 60u);
  ASSERT_TRUE(t.PutFile(3, File(105, "d.txt", 1000)).ok());
  EXPECT_EQ(t.Totals(2)->bytes, 1060u);
  EXPECT_EQ(t.Totals(kRoot)->files, 6u);
  ASSERT_TRUE(t.MoveDirectory(3, 4, "old-docs").ok());
  EXPECT_EQ(t.Totals(2)->bytes, 30u);
  EXPECT_EQ(t.Totals(4)->bytes, 1070u);
  EXPECT_EQ(t.Totals(4)->directories, 1u);
  EXPECT_EQ(t.Totals(kRoot)->bytes, 1105u);
  ASSERT_TRUE(t.RemoveFile(2, "a.txt").ok());
  ASSERT_TRUE(t.DeleteSubtree(4).ok());
  EXPECT_EQ(t.Totals(kRoot)->bytes, 25u);
  EXPECT_EQ(t.Totals(kRoot)->files, 2u);
  EXPECT_EQ(t.Totals(kRoot)->directories, 1u);
  EXPECT_EQ(t.directory_count(), 2u);
  EXPECT_EQ(t.file_count(), 2u);
}

TEST(NodeTreeTest, MoveChangesPathsBelow) {
  NodeTree t = Sample();
  ASSERT_TRUE(t.MoveDirectory(2, 4, "documents").ok());
  EXPECT_EQ(*t.PathOf(*t.Lookup("/pics/documents/old/c.txt")), "/pics/documents/old/c.txt");
  EXPECT_TRUE(t.Lookup("/docs").status().Is(StatusCode::kNotFound));
  EXPECT_TRUE(t.MoveDirectory(2, 3, "loop").Is(StatusCode::kInvalidArgument));
  EXPECT_TRUE(t.MoveDirectory(2, 2, "self").Is(StatusCode::kInvalidArgument));
  EXPECT_TRUE(t.MoveDirectory(kRoot, 2, "x").Is(StatusCode::kInvalidArgument));
  EXPECT_TRUE(t.MoveDirectory(2, 999, "x").Is(StatusCode::kNotFound));
}

TEST(NodeTreeTest, PutDirectoryMovesByStableId) {
  NodeTree t = Sample();
  // The engine lists /pics and finds directory 3 there (moved from /docs).
  ASSERT_TRUE(t.PutDirectory(Dir(3, 4, "old"), std::vector{File(102, "c.txt", 30)}).ok());
  EXPECT_EQ(*t.PathOf(3), "/pics/old");
  EXPECT_EQ(t.Totals(4)->bytes, 70u);
  EXPECT_EQ(t.Totals(2)->bytes, 30u);
}

TEST(NodeTreeTest, RejectsBadInput) {
  NodeTree t;
  EXPECT_TRUE(t.PutDirectory(Dir(2, 1, "orphan"), {}).Is(StatusCode::kNotFound));
  ASSERT_TRUE(t.PutDirectory(Dir(kRoot, kRoot, ""), {}).ok());
  EXPECT_TRUE(t.PutDirectory(Dir(9, 9, ""), {}).Is(StatusCode::kInvalidArgument));  // second root
  EXPECT_TRUE(t.PutDirectory(Dir(2, kRoot, "a/b"), {}).Is(StatusCode::kInvalidArgument));
  EXPECT_TRUE(t.PutDirectory(Dir(2, kRoot, ".."), {}).Is(StatusCode::kInvalidArgument));
  EXPECT_TRUE(t.PutDirectory(Dir(2, kRoot, std::string("a\0b", 3)), {}).Is(StatusCode::kInvalidArgument));
  EXPECT_TRUE(t.PutDirectory(Dir(2, kRoot, "d"), std::vector{File(5, "x"), File(6, "x")})
                  .Is(StatusCode::kInvalidArgument));
  EXPECT_TRUE(t.PutDirectory(Dir(2, kRoot, "d"), std::vector{File(5, "")}).Is(StatusCode::kInvalidArgument));
  EXPECT_EQ(t.directory_count(), 1u);
  EXPECT_TRUE(t.RemoveFile(kRoot, "nope").Is(StatusCode::kNotFound));
}

TEST(NodeTreeTest, UnicodeAndLongNames) {
  NodeTree t;
  std::string longname(255, 'n');
  std::string huge(4096, 'h');
  ASSERT_TRUE(t.PutDirectory(Dir(kRoot, kRoot, ""), {}).ok());
  ASSERT_TRUE(t.PutDirectory(Dir(2, kRoot, "Ünïcødé 目录 😀"),
                             std::vector{File(3, "файл.txt"), File(4, longname), File(5, huge)})
                  .ok());
  ASSERT_TRUE(t.PutDirectory(Dir(6, 2, longname), {}).ok());
  EXPECT_EQ(t.Lookup("/Ünïcødé 目录 😀/файл.txt")->node_id, 3u);
  EXPECT_EQ(t.Lookup("/Ünïcødé 目录 😀/" + longname)->node_id, 6u);  // the directory wins the name
  EXPECT_EQ(t.Lookup("/Ünïcødé 目录 😀/" + huge)->node_id, 5u);
  EXPECT_EQ(*t.PathOf(6), "/Ünïcødé 目录 😀/" + longname);
  EXPECT_TRUE(t.PutFile(2, File(7, std::string(4097, 'x'))).Is(StatusCode::kInvalidArgument));
}

TEST(NodeTreeTest, DeepTreeOf250Levels) {
  NodeTree t;
  ASSERT_TRUE(t.PutDirectory(Dir(kRoot, kRoot, ""), {}).ok());
  std::string path;
  for (NodeId d = 2; d <= 251; ++d) {
    std::string name = "level-" + std::to_string(d);
    ASSERT_TRUE(t.PutDirectory(Dir(d, d - 1, name), std::vector{File(1000 + d, "f", d)}).ok());
    path += "/" + name;
  }
  EXPECT_EQ(*t.PathOf(251), path);
  EXPECT_EQ(t.Lookup(path + "/f")->node_id, 1251u);
  EXPECT_EQ(t.Totals(kRoot)->directories, 250u);
  EXPECT_EQ(t.Totals(kRoot)->files, 250u);
  uint64_t bytes = 0;
  for (NodeId d = 2; d <= 251; ++d) bytes += d;
  EXPECT_EQ(t.Totals(kRoot)->bytes, bytes);
  ASSERT_TRUE(t.MoveDirectory(200, kRoot, "shortcut").ok());
  EXPECT_EQ(*t.PathOf(251), "/shortcut/level-201" + path.substr(path.find("/level-202")));
  EXPECT_EQ(t.Totals(199)->directories, 0u);
  EXPECT_EQ(t.Totals(200)->directories, 51u);
  EXPECT_EQ(t.Totals(2)->directories, 197u);
  EXPECT_EQ(t.Totals(kRoot)->directories, 250u);
}

TEST(NodeTreeTest, ClassifyDetectsEachKindOfChange) {
  NodeTree t = Sample();
  std::vector<FileFacts> now{File(100, "a.txt", 10), File(101, "b.pdf", 21), File(200, "new.txt"),
                             File(300, "c.txt")};  // a same, b modified, new, c.txt: not here before
  now[0].hash = 0;                                 // the engine does not know hashes before reading
  auto c = t.Classify(2, now);
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(c->directory_known);
  EXPECT_EQ(c->children[0].change, ChildChange::kUnchanged);
  EXPECT_EQ(c->children[0].previous_hash, File(100, "a.txt", 10).hash);
  EXPECT_EQ(c->children[1].change, ChildChange::kModified);
  EXPECT_EQ(c->children[2].change, ChildChange::kNew);
  EXPECT_EQ(c->children[3].change, ChildChange::kNew);
  EXPECT_TRUE(c->removed.empty());
  // Same size and mtime second but another change key (ctime): modified.
  FileFacts touched = File(100, "a.txt", 10);
  touched.change_key++;
  // A different inode under the same name: replaced. And b.pdf gone: removed.
  auto d = t.Classify(2, std::vector{touched, File(999, "zzz")});
  EXPECT_EQ(d->children[0].change, ChildChange::kModified);
  EXPECT_EQ(d->removed.size(), 1u);
  EXPECT_EQ(d->removed[0].name, "b.pdf");
  auto r = t.Classify(2, std::vector{File(555, "a.txt", 10)});
  EXPECT_EQ(r->children[0].change, ChildChange::kReplaced);
  auto unknown = t.Classify(77, std::vector{File(1, "q")});
  EXPECT_FALSE(unknown->directory_known);
  EXPECT_EQ(unknown->children[0].change, ChildChange::kNew);
}

TEST(NodeTreeTest, ScanDeletesUnseenAndKeepsMovedDirectories) {
  NodeTree t = Sample();
  ASSERT_TRUE(t.FinishScan(kRoot).ok());  // the sample's own puts count as seen
  EXPECT_EQ(t.directory_count(), 4u);
  // Next scan: /docs/old moved to /pics/old; /docs deleted; root and pics listed.
  ASSERT_TRUE(t.PutDirectory(Dir(kRoot, kRoot, ""), std::vector{File(104, "top.md", 5)}).ok());
  ASSERT_TRUE(t.PutDirectory(Dir(4, kRoot, "pics"), std::vector{File(103, "x.jpg", 40)}).ok());
  ASSERT_TRUE(t.PutDirectory(Dir(3, 4, "old"), std::vector{File(102, "c.txt", 30)}).ok());
  auto deleted = t.FinishScan(kRoot);
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(*deleted, 1u);
  EXPECT_EQ(*t.PathOf(3), "/pics/old");
  EXPECT_TRUE(t.Directory(2).status().Is(StatusCode::kNotFound));
  EXPECT_EQ(t.Totals(kRoot)->bytes, 75u);
  EXPECT_EQ(t.file_count(), 3u);  // a.txt and b.pdf went with /docs
  // KeepSubtree preserves an unreadable directory's last known content.
  ASSERT_TRUE(t.PutDirectory(Dir(kRoot, kRoot, ""), {}).ok());
  ASSERT_TRUE(t.KeepSubtree(4).ok());
  EXPECT_EQ(*t.FinishScan(kRoot), 0u);
  EXPECT_EQ(t.directory_count(), 3u);
}

TEST(NodeTreeTest, SwappedDirectoryNamesResolve) {
  NodeTree t = Sample();
  ASSERT_TRUE(
      t.PutDirectory(Dir(2, kRoot, "pics"), std::vector{File(100, "a.txt", 10), File(101, "b.pdf", 20)})
          .ok());
  ASSERT_TRUE(t.PutDirectory(Dir(4, kRoot, "docs"), std::vector{File(103, "x.jpg", 40)}).ok());
  EXPECT_EQ(t.Lookup("/pics")->node_id, 2u);
  EXPECT_EQ(t.Lookup("/docs")->node_id, 4u);
  EXPECT_EQ(t.Lookup("/docs/x.jpg")->node_id, 103u);
}

TEST(NodeTreeTest, CloneSharesAndDiverges) {
  NodeTree a = Sample();
  NodeTree b = a.Clone();
  ASSERT_TRUE(b.PutFile(2, File(106, "added.txt", 1)).ok());
  EXPECT_TRUE(a.Lookup("/docs/added.txt").status().Is(StatusCode::kNotFound));
  EXPECT_EQ(b.Lookup("/docs/added.txt")->node_id, 106u);
  EXPECT_EQ(a.Totals(kRoot)->files, 5u);
  EXPECT_EQ(b.Totals(kRoot)->files, 6u);
}

TEST(NodeTreeTest, UnchangedPutIsNotAWrite) {
  NodeTree t = Sample();
  NodeTree::Impl& m = TreeAccess::Of(t);
  EXPECT_EQ(m.dirty_.size(), 4u);
  m.dirty_.clear();
  for (size_t s = 0; s < m.slots_.size(); ++s) m.slots_[s].flags &= static_cast<uint8_t>(~kSlotDirty);
  ASSERT_TRUE(
      t.PutDirectory(Dir(2, kRoot, "docs"), std::vector{File(101, "b.pdf", 20), File(100, "a.txt", 10)})
          .ok());
  EXPECT_TRUE(m.dirty_.empty());
  ASSERT_TRUE(t.PutDirectory(Dir(2, kRoot, "docs"), std::vector{File(101, "b.pdf", 20)}).ok());
  EXPECT_EQ(m.dirty_.size(), 1u);
}

}  // namespace
}  // namespace arbor::node_index
