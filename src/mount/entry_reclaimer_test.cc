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
            if (n == name && open_.count(ino) == 0) table_.Forget(ino, 1);
          }
        }) {}

  // Lists directories d0..d9 below the root in that order, 100 files each.
  void ListTenDirectories() {
    for (int d = 0; d < 10; ++d) {
      reclaimer_.Touched(kRootIno);
      Ino dir = table_.Add(kRootIno, "d" + std::to_string(d), Entry("d"));
      dirs_.push_back(dir);
      reclaimer_.Touched(dir);
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
  reclaimer_.Touched(kRootIno);
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
