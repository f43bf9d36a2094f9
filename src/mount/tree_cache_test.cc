#include "mount/tree_cache.h"

#include <gtest/gtest.h>

#include "mount/mount_test_repo.h"

namespace arbor {
namespace {

class TreeCacheTest : public testing::MountTestRepo {
 protected:
  // A cache over the repository that counts its tree loads.
  TreeCache Counting(uint64_t capacity_nodes) {
    return TreeCache(
        [this](const Digest& d) {
          ++loads_;
          return repo_->LoadTree(d);
        },
        capacity_nodes);
  }
  int loads_ = 0;
};

Node File(const std::string& name) {
  Node n;
  n.name = name;
  n.mode = 0644;
  return n;
}

TEST_F(TreeCacheTest, FindsNamesByBinarySearchAndLoadsEachTreeOnce) {
  std::vector<Node> nodes;
  nodes.reserve(1000);
  for (int i = 0; i < 1000; ++i) nodes.push_back(File("f" + std::to_string(100000 + i)));
  auto id = repo_->StoreTree(nodes);
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(repo_->Flush().ok());
  TreeCache cache = Counting(10000);
  for (int i = 0; i < 1000; ++i) {
    auto n = cache.Find(*id, "f" + std::to_string(100000 + i));
    ASSERT_TRUE(n.ok()) << i;
    EXPECT_EQ(n->name, "f" + std::to_string(100000 + i));
  }
  EXPECT_EQ(loads_, 1);
  auto missing = cache.Find(*id, "f099999");
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.status().Is(StatusCode::kNotFound));
}

TEST_F(TreeCacheTest, KeepsAtMostItsCapacityInNodes) {
  std::vector<Digest> ids;
  for (int t = 0; t < 3; ++t) {
    std::vector<Node> nodes;
    nodes.reserve(10);
    for (int i = 0; i < 10; ++i) nodes.push_back(File(std::to_string(t) + "_" + std::to_string(i)));
    auto id = repo_->StoreTree(nodes);
    ASSERT_TRUE(id.ok());
    ids.push_back(*id);
  }
  ASSERT_TRUE(repo_->Flush().ok());
  TreeCache cache = Counting(25);  // room for two trees of ten
  for (const Digest& id : ids) ASSERT_TRUE(cache.Get(id).ok());
  EXPECT_EQ(loads_, 3);
  ASSERT_TRUE(cache.Get(ids[2]).ok());  // kept
  EXPECT_EQ(loads_, 3);
  ASSERT_TRUE(cache.Get(ids[0]).ok());  // evicted as the least recently used
  EXPECT_EQ(loads_, 4);
}

// The mount's inode entries point into the tree they were listed from: such a tree, evicted
// from the capacity, is still handed out (no second copy decoded), and loaded again only
// once nobody holds it.
TEST_F(TreeCacheTest, ATreeStillHeldIsNotLoadedTwice) {
  std::vector<Digest> ids;
  for (int t = 0; t < 2; ++t) {
    auto id = repo_->StoreTree({File("only" + std::to_string(t))});
    ASSERT_TRUE(id.ok());
    ids.push_back(*id);
  }
  ASSERT_TRUE(repo_->Flush().ok());
  TreeCache cache = Counting(1);  // room for one tree of one node
  auto held = cache.Get(ids[0]);
  ASSERT_TRUE(held.ok());
  ASSERT_TRUE(cache.Get(ids[1]).ok());  // evicts ids[0] from the capacity
  EXPECT_EQ(loads_, 2);
  auto again = cache.Get(ids[0]);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(loads_, 2);
  EXPECT_EQ(again->get(), held->get());
  held = Status::NotFound("released");
  again = Status::NotFound("released");
  ASSERT_TRUE(cache.Get(ids[1]).ok());  // ids[0] evicted again, and nobody holds it now
  ASSERT_TRUE(cache.Get(ids[0]).ok());
  EXPECT_EQ(loads_, 3);
}

}  // namespace
}  // namespace arbor
