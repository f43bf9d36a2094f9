// Upgrading the tree format (issue 17): a backup whose parent snapshot holds version-1
// directory objects reads them, takes what did not change as unchanged, writes version 2,
// and the new snapshot restores; the old one still reads and restores.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "repo/schema/tree_generated.h"
#include "repo/tree_codec.h"
#include "restorer/restore.h"
#include "shares/posix_target.h"
#include "support/backup_fixture.h"

namespace arbor {
namespace {

class TreeUpgradeTest : public testing::BackupFixture {
 protected:
  // Stores the tree `id` and everything below it again as version-1 objects; returns
  // the new root's id.
  Digest RewriteAsVersion1(const Digest& id) {
    auto nodes = repo_->LoadTree(id);
    EXPECT_TRUE(nodes.ok()) << nodes.status().ToString();
    if (!nodes.ok()) return id;
    for (Node& n : *nodes) {
      if (n.IsDir()) n.subtree = RewriteAsVersion1(*n.subtree);
    }
    std::string bytes = *tree_codec_internal::EncodeTreeV1(*nodes);
    Digest v1 = repo_->BlobId(bytes);
    EXPECT_TRUE(repo_->StoreBlob(format::BlobType::kTree, v1, bytes).ok());
    return v1;
  }

  uint32_t VersionOf(const Digest& tree) {
    auto raw = repo_->LoadBlob(tree);
    EXPECT_TRUE(raw.ok());
    return raw.ok() ? fb::GetTree(raw->data())->version() : 0;
  }
};

TEST_F(TreeUpgradeTest, BackupOverAVersion1ParentWritesVersion2AndKeepsUnchangedFiles) {
  Write("a/one", "one");
  Write("a/two", "two");
  Write("b/three", "three");
  Write("top", "top");
  Snapshot written = Backup();
  EXPECT_EQ(VersionOf(written.tree), 2u);

  // The same snapshot as an older arbor would have written it, in place of the first.
  Snapshot old = written;
  old.tree = RewriteAsVersion1(written.tree);
  old.id = Digest();
  ASSERT_TRUE(repo_->Flush().ok());
  ASSERT_TRUE(repo_->SaveSnapshot(&old).ok());
  ASSERT_TRUE(repo_->DeleteSnapshot(written.id).ok());
  ASSERT_NE(old.tree, written.tree);
  EXPECT_EQ(VersionOf(old.tree), 1u);
  std::map<std::string, Node> before, after, same;
  CollectNodes(old.tree, "", &before);
  CollectNodes(written.tree, "", &same);
  ASSERT_EQ(before.size(), same.size());
  for (auto [path, node] : before) {  // the same nodes, but for the subtree ids
    node.subtree = same[path].subtree;
    EXPECT_TRUE(node == same[path]) << path;
  }

  Write("a/two", "TWO!");
  Snapshot second = Backup();
  ASSERT_EQ(second.parent, old.id);
  EXPECT_EQ(second.stats.files_total, 4u);
  EXPECT_EQ(second.stats.files_read, 1u);  // the rest is unchanged against the v1 parent
  EXPECT_EQ(VersionOf(second.tree), 2u);
  CollectNodes(second.tree, "", &after);
  ASSERT_EQ(after.size(), before.size());
  for (const auto& [path, node] : after) {
    if (path == src_ + "/a/two") {
      EXPECT_NE(node.content, before[path].content);
    } else if (node.IsFile()) {
      EXPECT_EQ(node.content, before[path].content) << path;
    }
  }

  for (const Snapshot* s : {&old, &second}) {
    PosixTarget target(dir_ + "/out-" + s->id.Hex());
    auto restored = RunRestore(*repo_, *s, target, RestoreOptions{});
    ASSERT_TRUE(restored.ok()) << restored.status().ToString();
    EXPECT_EQ(restored->errors, 0u);
    std::string out = dir_ + "/out-" + s->id.Hex() + src_;
    EXPECT_EQ(*ReadWholeFile(out + "/a/two"), s == &old ? "two" : "TWO!");
    EXPECT_EQ(*ReadWholeFile(out + "/b/three"), "three");
    EXPECT_EQ(*ReadWholeFile(out + "/top"), "top");
  }
}

}  // namespace
}  // namespace arbor
