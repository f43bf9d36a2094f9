#include "mount/entry_reclaimer.h"

#include <gtest/gtest.h>

#include <set>

namespace arbor {
namespace {

InodeEntry Entry(const std::string& name) {
  Node n;
  n.name = name;
  InodeEntry e;
  e.node = std::make_shared<const Node>(n);
  return e;
}

// A real InodeTable and, standing in for the kernel (the mount scenario uses the real
// one), an invalidation that forgets the entry unless it is open, as the kernel does.
class EntryReclaimerTest : public testing::Test {
 protected:
  EntryReclaimerTest()
      : reclaimer_(&table_, 300, [this](Ino parent, const std::string& name) {
          asked_.emplace_back(parent, name);
          for (const auto& [n, ino] : table_.ChildrenOf(parent)) {
            if (n == name) Drop(ino);
          }
        }) {}

  // The kernel's d_invalidate: the entry and everything below it, but what is open.
  void Drop(Ino ino) {
    for (const auto& [n, child] : table_.ChildrenOf(ino)) Drop(child);
    if (open_.count(ino) == 0) table_.Forget(ino, 1);
  }

  // Lists directories d0..d9 below the root in that order, 100 files each.
  void ListTenDirectories() {
    for (int d = 0; d < 10; ++d) {
      reclaimer_.LookedUpIn(kRootIno);
      Ino dir = table_.Add(kRootIno, "d" + std::to_string(d), Entry("d"));
      dirs_.push_back(dir);
      reclaimer_.Listed(dir);
      for (int f = 0; f < 100; ++f) table_.Add(dir, "f" + std::to_string(f), Entry("f"));
    }
  }

  InodeTable table_{Entry("/")};
  std::set<Ino> open_;
  std::vector<std::pair<Ino, std::string>> asked_;
  std::vector<Ino> dirs_;
  EntryReclaimer reclaimer_;
};

TEST_F(EntryReclaimerTest, UnderTheBoundNothingIsInvalidated) {
  reclaimer_.Listed(kRootIno);
  for (int f = 0; f < 269; ++f)
    table_.Add(kRootIno, "f" + std::to_string(f), Entry("f"));  // 90% with the root
  EXPECT_EQ(reclaimer_.ReclaimOnce(), 0u);
  EXPECT_TRUE(asked_.empty());
}

TEST_F(EntryReclaimerTest, ForgetsTheDirectoriesListedLongestAgoDownTo70Percent) {
  ListTenDirectories();
  ASSERT_EQ(table_.size(), 1011u);
  size_t asked = reclaimer_.ReclaimOnce();
  EXPECT_GE(asked, 1011u - 210u);
  EXPECT_LE(table_.size(), 210u);
  EXPECT_EQ(reclaimer_.invalidated(), asked);
  // The newest directory kept all its entries; the oldest lost all of theirs.
  EXPECT_EQ(table_.ChildrenOf(dirs_[9]).size(), 100u);
  EXPECT_TRUE(table_.ChildrenOf(dirs_[0]).empty());
  EXPECT_TRUE(table_.Get(dirs_[9]).has_value());
  // A directory's own entry is asked for after its children, never before.
  for (size_t d = 0; d < 9; ++d) {
    auto own = std::find(asked_.begin(), asked_.end(), std::make_pair(kRootIno, "d" + std::to_string(d)));
    auto child = std::find(asked_.begin(), asked_.end(), std::make_pair(dirs_[d], std::string("f0")));
    if (own != asked_.end()) {
      ASSERT_NE(child, asked_.end()) << d;
      EXPECT_LT(child - asked_.begin(), own - asked_.begin()) << d;
    }
  }
  // The newest directory's own entry was never asked for: it holds what is being listed.
  EXPECT_EQ(std::count(asked_.begin(), asked_.end(), std::make_pair(kRootIno, std::string("d9"))), 0);
}

// `find D` after `ls D` walks D's ancestors again: those lookups must not leave D, the
// directory being listed, as the oldest (its entries were all invalidated, and looked up
// one by one, when lookups moved their directory to the front).
TEST_F(EntryReclaimerTest, LookupsInAnAncestorDoNotExposeTheListedDirectory) {
  reclaimer_.LookedUpIn(kRootIno);
  Ino dir = table_.Add(kRootIno, "d", Entry("d"));
  reclaimer_.Listed(dir);
  for (int f = 0; f < 300; ++f) table_.Add(dir, "f" + std::to_string(f), Entry("f"));
  reclaimer_.LookedUpIn(kRootIno);
  table_.Add(kRootIno, "d", Entry("d"));
  reclaimer_.ReclaimOnce();  // the root was reclaimed, not `d`
  EXPECT_EQ(table_.ChildrenOf(dir).size(), 300u);
  reclaimer_.LookedUpIn(kRootIno);  // the next path walk: the root is tracked again
  table_.Add(kRootIno, "d", Entry("d"));
  reclaimer_.ReclaimOnce();
  EXPECT_EQ(table_.ChildrenOf(dir).size(), 300u);
}

// Invalidating a directory's entry drops its subtree from the kernel: no directory above
// the one being listed loses its entry, even once it is no longer tracked itself.
TEST_F(EntryReclaimerTest, TheDirectoriesAboveTheListedOneKeepTheirEntries) {
  reclaimer_.LookedUpIn(kRootIno);
  Ino a = table_.Add(kRootIno, "a", Entry("a"));
  reclaimer_.LookedUpIn(a);
  Ino b = table_.Add(a, "b", Entry("b"));
  reclaimer_.Listed(b);
  for (int f = 0; f < 300; ++f) table_.Add(b, "f" + std::to_string(f), Entry("f"));
  reclaimer_.ReclaimOnce();
  EXPECT_EQ(table_.ChildrenOf(b).size(), 300u);
  EXPECT_TRUE(table_.Get(a).has_value());
}

TEST_F(EntryReclaimerTest, AnOpenEntryStaysValid) {
  ListTenDirectories();
  Ino open_file = table_.ChildrenOf(dirs_[0])[0].second;
  open_.insert(open_file);
  reclaimer_.ReclaimOnce();
  auto e = table_.Get(open_file);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->node->name, "f");
  EXPECT_EQ(table_.ChildrenOf(dirs_[0]).size(), 1u);
}

TEST_F(EntryReclaimerTest, TheBackgroundThreadKeepsTheTableNearTheBound) {
  reclaimer_.Start(std::chrono::milliseconds(5));
  ListTenDirectories();
  for (int i = 0; i < 400 && table_.size() > 300; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_LE(table_.size(), 300u);
  reclaimer_.Stop();
  EXPECT_GT(reclaimer_.invalidated(), 700u);
}

}  // namespace
}  // namespace arbor
