// Scale tests that stay inside the CI budget: a directory of a million entries.
#include <gtest/gtest.h>

#include "node_index/node_tree.h"
#include "node_index/tree_analytics.h"
#include "support/node_facts.h"

namespace arbor::node_index {
namespace {

using testing::Dir;
using testing::File;

constexpr size_t kEntries = 1'000'000;

std::string NameOf(size_t i) { return "photo_" + std::to_string(i * 7919 % 10'000'019) + ".jpg"; }

class MillionEntryDirTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tree_ = new NodeTree();
    ASSERT_TRUE(tree_->PutDirectory(Dir(1, 1, ""), {}).ok());
    listing_ = new std::vector<FileFacts>();
    for (size_t i = 0; i < kEntries; ++i) listing_->push_back(File(100 + i, NameOf(i), i));
    ASSERT_TRUE(tree_->PutDirectory(Dir(2, 1, "huge"), *listing_).ok());
  }
  static void TearDownTestSuite() {
    delete tree_;
    delete listing_;
  }
  static NodeTree* tree_;
  static std::vector<FileFacts>* listing_;
};
NodeTree* MillionEntryDirTest::tree_ = nullptr;
std::vector<FileFacts>* MillionEntryDirTest::listing_ = nullptr;

TEST_F(MillionEntryDirTest, EveryThousandthEntryIsFoundByPath) {
  for (size_t i = 0; i < kEntries; i += 997) {
    auto n = tree_->Lookup("/huge/" + NameOf(i));
    ASSERT_TRUE(n.ok()) << i;
    ASSERT_EQ(n->node_id, 100 + i);
    ASSERT_EQ(n->size, i);
  }
  EXPECT_TRUE(tree_->Lookup("/huge/photo_x.jpg").status().Is(StatusCode::kNotFound));
}

TEST_F(MillionEntryDirTest, TotalsListingAndBudget) {
  EXPECT_EQ(tree_->Totals(1)->files, kEntries);
  EXPECT_EQ(tree_->Totals(1)->bytes, kEntries * (kEntries - 1) / 2);
  auto l = tree_->List(2);
  ASSERT_TRUE(l.ok());
  ASSERT_EQ(l->size(), kEntries);
  EXPECT_TRUE(std::is_sorted(l->begin(), l->end(),
                             [](const NodeInfo& a, const NodeInfo& b) { return a.name < b.name; }));
  // Names here are 15-17 bytes with long shared prefixes; all-in cost per entry stays
  // well under the 32-byte budget.
  EXPECT_LT(tree_->Memory().total(), kEntries * 32);
}

TEST_F(MillionEntryDirTest, ClassifyOfUnchangedListingFindsNoChange) {
  auto c = tree_->Classify(2, *listing_);
  ASSERT_TRUE(c.ok());
  size_t unchanged = 0;
  for (const ChildStatus& s : c->children) unchanged += s.change == ChildChange::kUnchanged;
  EXPECT_EQ(unchanged, kEntries);
  EXPECT_TRUE(c->removed.empty());
  std::vector<FileFacts> one_changed(listing_->begin(), listing_->begin() + 10);
  one_changed[3].size++;
  auto d = tree_->Classify(2, one_changed);
  EXPECT_EQ(d->children[3].change, ChildChange::kModified);
  EXPECT_EQ(d->removed.size(), kEntries - 10);
}

TEST_F(MillionEntryDirTest, TopFilesAreTheLastOnes) {
  auto top = LargestFiles(*tree_, 1, 3);
  ASSERT_TRUE(top.ok());
  ASSERT_EQ(top->size(), 3u);
  EXPECT_EQ((*top)[0].size, kEntries - 1);
  EXPECT_EQ((*top)[2].size, kEntries - 3);
}

}  // namespace
}  // namespace arbor::node_index
