#include "mount/inode_table.h"

#include <gtest/gtest.h>

namespace arbor {
namespace {

InodeEntry Entry(const std::string& name, uint64_t group = 0, uint8_t scope = 1) {
  Node n;
  n.name = name;
  n.hardlink_group = group;
  InodeEntry e;
  e.node = std::make_shared<const Node>(n);
  Digest d;
  d.bytes.fill(scope);
  e.scope = d;
  return e;
}

TEST(InodeTableTest, TheSameNameKeepsItsNumberUntilForgotten) {
  InodeTable table(Entry("/"));
  Ino a = table.Add(kRootIno, "a", Entry("a"));
  EXPECT_NE(a, kRootIno);
  EXPECT_EQ(table.Add(kRootIno, "a", Entry("a")), a);
  EXPECT_NE(table.Add(kRootIno, "b", Entry("b")), a);
  table.Forget(a, 1);
  EXPECT_TRUE(table.Get(a).has_value());  // one lookup left
  table.Forget(a, 1);
  EXPECT_FALSE(table.Get(a).has_value());
  EXPECT_NE(table.Add(kRootIno, "a", Entry("a")), a);  // numbers are not reused
}

TEST(InodeTableTest, HardLinksOfOneSnapshotShareANumber) {
  InodeTable table(Entry("/"));
  Ino x = table.Add(kRootIno, "x", Entry("x", 42));
  Ino y = table.Add(5, "y", Entry("y", 42));
  EXPECT_EQ(x, y);
  EXPECT_NE(table.Add(kRootIno, "z", Entry("z", 42, /*scope=*/2)), x);  // another snapshot
  EXPECT_NE(table.Add(kRootIno, "w", Entry("w", 0)), x);
  table.Forget(x, 2);
  EXPECT_FALSE(table.Get(x).has_value());
  EXPECT_NE(table.Add(kRootIno, "x", Entry("x", 42)), x);
}

TEST(InodeTableTest, TheRootIsNeverForgotten) {
  InodeTable table(Entry("/"));
  table.Forget(kRootIno, 100);
  EXPECT_TRUE(table.Get(kRootIno).has_value());
  EXPECT_EQ(table.size(), 1u);
}

TEST(InodeTableTest, RenameMovesTheNumberAndUnnamesTheTarget) {
  InodeTable table(Entry("/"));
  Ino dir = table.Add(kRootIno, "d", Entry("d"));
  Ino a = table.Add(dir, "a", Entry("a"));
  Ino b = table.Add(kRootIno, "b", Entry("b"));
  table.Rename(dir, "a", kRootIno, "b");  // a replaces b
  EXPECT_EQ(table.NameOf(a), std::make_pair(kRootIno, std::string("b")));
  EXPECT_EQ(table.Add(kRootIno, "b", Entry("b")), a);
  EXPECT_FALSE(table.NameOf(b).has_value());  // open but nameless until forgotten
  EXPECT_TRUE(table.Get(b).has_value());
  EXPECT_NE(table.Add(dir, "a", Entry("a")), a);  // the old name is free
}

TEST(InodeTableTest, ARemovedNameGetsANewNumber) {
  InodeTable table(Entry("/"));
  Ino a = table.Add(kRootIno, "a", Entry("a"));
  table.RemoveName(kRootIno, "a");
  EXPECT_FALSE(table.NameOf(a).has_value());
  EXPECT_NE(table.Add(kRootIno, "a", Entry("a")), a);
  table.Forget(a, 1);
  EXPECT_FALSE(table.Get(a).has_value());
}

}  // namespace
}  // namespace arbor
