#include "mount/xattr_census.h"

#include <gtest/gtest.h>

#include <map>

#include "hash/sha256.h"

namespace arbor {
namespace {

using namespace std::chrono_literals;

constexpr char kAcl[] = "system.posix_acl_access";
constexpr char kLabel[] = "security.selinux";

// Trees in memory, by digest, as the mount's TreeCache would hand them out; counts loads.
class Trees {
 public:
  Digest Put(const std::string& seed, std::vector<Node> nodes) {
    Digest id = Sha256Of(seed);
    trees_[id] = std::make_shared<const std::vector<Node>>(std::move(nodes));
    return id;
  }
  XattrCensus::Loader Loader() {
    return [this](int, const Digest& id) -> Result<std::shared_ptr<const std::vector<Node>>> {
      ++loads_;
      auto it = trees_.find(id);
      if (it == trees_.end()) return Status::NotFound("tree " + id.Hex());
      return it->second;
    };
  }
  std::atomic<int> loads_{0};

 private:
  std::map<Digest, std::shared_ptr<const std::vector<Node>>> trees_;
};

Node File(const std::string& name, std::vector<std::pair<std::string, std::string>> xattrs = {}) {
  Node n;
  n.name = name;
  n.xattrs = std::move(xattrs);
  return n;
}

Node Dir(const std::string& name, const Digest& subtree) {
  Node n;
  n.name = name;
  n.kind = NodeKind::kDirectory;
  n.subtree = subtree;
  return n;
}

TEST(XattrCensusTest, ProbedNamesOnly) {
  EXPECT_TRUE(XattrCensus::Probed(kAcl));
  EXPECT_TRUE(XattrCensus::Probed("system.posix_acl_default"));
  EXPECT_TRUE(XattrCensus::Probed(kLabel));
  EXPECT_FALSE(XattrCensus::Probed("user.comment"));
  EXPECT_FALSE(XattrCensus::Probed("system.posix_acl"));
}

TEST(XattrCensusTest, NamesNoTreeHasAreAbsentOnceEveryTreeIsWalked) {
  Trees trees;
  Digest deep = trees.Put("deep", {File("a", {{"user.comment", "x"}}), File("b")});
  Digest root = trees.Put("root", {Dir("d", deep), File("c")});
  XattrCensus census(trees.Loader());
  EXPECT_FALSE(census.Absent(kAcl));  // nothing walked yet: nothing is known
  census.Add(0, root);
  ASSERT_TRUE(census.WaitIdle(10s));
  EXPECT_TRUE(census.Absent(kAcl));
  EXPECT_TRUE(census.Absent(kLabel));
  EXPECT_FALSE(census.Absent("user.comment"));  // not probed: never ENOTSUP
  EXPECT_FALSE(census.Absent("user.other"));
  EXPECT_EQ(trees.loads_.load(), 2);
}

TEST(XattrCensusTest, ANameDeepInAnyRootIsPresent) {
  Trees trees;
  Digest deep = trees.Put("deep", {File("acl", {{kAcl, "\x02"}})});
  Digest mid = trees.Put("mid", {Dir("deeper", deep)});
  Digest with_acl = trees.Put("with", {Dir("mid", mid)});
  Digest plain = trees.Put("plain", {File("x")});
  XattrCensus census(trees.Loader());
  census.Add(0, plain);
  census.Add(1, with_acl);
  ASSERT_TRUE(census.WaitIdle(10s));
  EXPECT_FALSE(census.Absent(kAcl));
  EXPECT_TRUE(census.Absent(kLabel));
  // ls asks a directory for both ACLs and gives up on the device at the first ENOTSUP:
  // one file's access ACL makes the default ACL's answers per file too.
  EXPECT_FALSE(census.Absent("system.posix_acl_default"));
}

TEST(XattrCensusTest, ANewRootWithdrawsAbsenceUntilWalkedAndEachTreeIsWalkedOnce) {
  Trees trees;
  Digest shared = trees.Put("shared", {File("f")});
  Digest first = trees.Put("first", {Dir("s", shared)});
  XattrCensus census(trees.Loader());
  census.Add(0, first);
  ASSERT_TRUE(census.WaitIdle(10s));
  ASSERT_TRUE(census.Absent(kLabel));
  Digest labelled = trees.Put("labelled", {File("l", {{kLabel, "system_u:object_r:etc_t:s0"}})});
  Digest second = trees.Put("second", {Dir("s", shared), Dir("new", labelled)});
  census.Add(0, second);
  EXPECT_FALSE(census.Absent(kLabel));  // withdrawn at once, before the walk
  EXPECT_FALSE(census.Absent(kAcl));
  ASSERT_TRUE(census.WaitIdle(10s));
  EXPECT_FALSE(census.Absent(kLabel));
  EXPECT_TRUE(census.Absent(kAcl));
  EXPECT_EQ(trees.loads_.load(), 4);  // `shared` once
}

TEST(XattrCensusTest, AnUnreadableTreeOrTooManyNodesLeavesEveryNamePossible) {
  Trees trees;
  Digest missing = Sha256Of("not stored");
  Digest root = trees.Put("root", {Dir("gone", missing)});
  XattrCensus broken(trees.Loader());
  broken.Add(0, root);
  ASSERT_TRUE(broken.WaitIdle(10s));
  EXPECT_FALSE(broken.Absent(kAcl));
  Digest fine = trees.Put("fine", {File("a")});
  broken.Add(0, fine);  // a later, readable root does not make up for it
  ASSERT_TRUE(broken.WaitIdle(10s));
  EXPECT_FALSE(broken.Absent(kAcl));

  Digest big = trees.Put("big", {File("a"), File("b"), File("c")});
  XattrCensus capped(trees.Loader(), /*max_nodes=*/2);
  capped.Add(0, big);
  ASSERT_TRUE(capped.WaitIdle(10s));
  EXPECT_FALSE(capped.Absent(kAcl));
}

}  // namespace
}  // namespace arbor
