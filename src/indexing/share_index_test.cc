#include "indexing/share_index.h"

#include <algorithm>
#include <cstdio>

#include <gtest/gtest.h>

#include "base/file_util.h"
#include "engine/backup.h"
#include "engine/posix_target.h"
#include "engine/restore.h"
#include "source/posix_source.h"
#include "support/backup_fixture.h"

namespace arbor {
namespace {

class ShareIndexTest : public testing::BackupFixture {
 protected:
  void SetUp() override {
    BackupFixture::SetUp();
    for (int d = 0; d < 3; ++d) {
      for (int f = 0; f < 200; ++f) {
        Write("dir" + std::to_string(d) + "/f" + std::to_string(f) + ".txt", std::string(f + 1, 'x'));
      }
      Write("dir" + std::to_string(d) + "/deep/leaf.bin", "leaf");
    }
  }
  std::unique_ptr<ShareIndex> Open() {
    auto si = ShareIndex::Open(dir_ + "/index.sqlite", *repo_);
    EXPECT_TRUE(si.ok()) << si.status().ToString();
    return std::move(si).value();
  }
};

TEST_F(ShareIndexTest, MirrorsTheSnapshotAndAnswersFromRam) {
  Snapshot s = Backup();
  auto si = Open();
  auto tree = si->At(s);
  ASSERT_TRUE(tree.ok()) << tree.status().ToString();
  auto dir1 = (*tree)->Lookup(src_ + "/dir1");
  ASSERT_TRUE(dir1.ok());
  auto totals = (*tree)->Totals(dir1->node_id);
  ASSERT_TRUE(totals.ok());
  EXPECT_EQ(totals->files, 201U);
  EXPECT_EQ(totals->bytes, 200U * 201 / 2 + 4);
  EXPECT_TRUE((*tree)->Lookup(src_ + "/dir2/deep/leaf.bin").ok());
}

TEST_F(ShareIndexTest, RenameIsOneMoveAndHistoryStaysQueryable) {
  Snapshot first = Backup();
  auto si = Open();
  ASSERT_TRUE(si->At(first).ok());
  auto before = (*si->At(first))->Lookup(src_ + "/dir0");
  ASSERT_TRUE(before.ok());

  ASSERT_EQ(std::rename((src_ + "/dir0").c_str(), (src_ + "/renamed").c_str()), 0);
  Snapshot second = Backup();
  auto reopened = Open();  // from the store, as the next process would
  auto tree = reopened->At(second);
  ASSERT_TRUE(tree.ok()) << tree.status().ToString();
  auto after = (*tree)->Lookup(src_ + "/renamed");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->node_id, before->node_id) << "a renamed directory keeps its node id";
  EXPECT_FALSE((*tree)->Lookup(src_ + "/dir0").ok());
  // At most the directories on the way from the root to src (their tree objects may
  // change: "/", "tmp", the test's folder, "src") and one move; nothing below the
  // renamed directory (dir0 and dir0/deep would add two).
  size_t on_the_way = 1 + static_cast<size_t>(std::count(src_.begin(), src_.end(), '/'));
  EXPECT_LE(reopened->last_directories_written(), on_the_way + 1);

  auto old_view = reopened->At(first);
  ASSERT_TRUE(old_view.ok());
  EXPECT_TRUE((*old_view)->Lookup(src_ + "/dir0/f5.txt").ok()) << "older versions stay queryable";
}

TEST_F(ShareIndexTest, BackupTakesUnchangedDirectoriesFromTheIndexWithoutReadingTrees) {
  auto si = Open();
  BackupOptions opts;
  opts.paths = {src_};
  opts.hostname = "h";
  opts.share_index = si.get();
  auto first = RunBackup(*repo_, source_, opts);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->index_updated);

  uint64_t loaded_before = repo_->counters().blobs_loaded;
  auto second = RunBackup(*repo_, source_, opts);
  ASSERT_TRUE(second.ok());
  uint64_t loads = repo_->counters().blobs_loaded - loaded_before;
  // Only the directories on the way to src are compared through their tree objects
  // (the walk above the backed-up path does not use the index); the 7 directories
  // of the backed-up tree are not read.
  size_t on_the_way = static_cast<size_t>(std::count(src_.begin(), src_.end(), '/'));
  EXPECT_LE(loads, on_the_way + 1);
  EXPECT_EQ(second->snapshot.stats.files_read, 0U);

  // One file changes deep down: its directory and its ancestors are rebuilt, the
  // unchanged siblings' entries are filled from the parent's tree objects.
  Write("dir1/deep/leaf.bin", "leaf, changed");
  auto third = RunBackup(*repo_, source_, opts);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->snapshot.stats.files_read, 1U);
  EXPECT_EQ(third->snapshot.stats.files_total, 3U * 201);
  // Restorable and complete: the index-filled entries kept their content.
  auto tree = si->At(third->snapshot);
  ASSERT_TRUE(tree.ok());
  EXPECT_EQ((*tree)->file_count(), 3U * 201);
  auto leaf = (*tree)->Lookup(src_ + "/dir1/deep/leaf.bin");
  ASSERT_TRUE(leaf.ok());
  EXPECT_EQ(leaf->size, 13U);
  PosixTarget target(dir_ + "/out");
  ASSERT_TRUE(RunRestore(*repo_, third->snapshot, target, RestoreOptions{}).ok());
  // dir1 was rebuilt from the index's "unchanged" verdict plus its old tree object.
  EXPECT_EQ(*ReadWholeFile(dir_ + "/out" + src_ + "/dir1/f9.txt"), std::string(10, 'x'));
  EXPECT_EQ(*ReadWholeFile(dir_ + "/out" + src_ + "/dir1/deep/leaf.bin"), "leaf, changed");
  EXPECT_EQ(*ReadWholeFile(dir_ + "/out" + src_ + "/dir2/f199.txt"), std::string(200, 'x'));
}

TEST_F(ShareIndexTest, DeletedDirectoriesLeaveTheIndex) {
  Snapshot first = Backup();
  auto si = Open();
  ASSERT_TRUE(si->At(first).ok());
  ASSERT_TRUE(RemoveAll(src_ + "/dir2").ok());
  Snapshot second = Backup();
  auto tree = si->At(second);
  ASSERT_TRUE(tree.ok());
  EXPECT_FALSE((*tree)->Lookup(src_ + "/dir2").ok());
  EXPECT_FALSE((*tree)->Lookup(src_ + "/dir2/deep").ok());
  EXPECT_EQ((*tree)->file_count(), 2U * 201);
}

}  // namespace
}  // namespace arbor
