#include "share_index/share_index.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <set>

#include "base/file_util.h"
#include "archiver/backup.h"
#include "shares/posix_target.h"
#include "restorer/restore.h"
#include "shares/posix_source.h"
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
    auto si =
        ShareIndex::Open(index_path(), *repo_, [this](const std::string& w) { warnings_.push_back(w); });
    EXPECT_TRUE(si.ok()) << si.status().ToString();
    return std::move(si).value();
  }
  std::string index_path() const { return dir_ + "/index.sqlite"; }

  // Every file of the snapshot as the index answers: "path size".
  std::set<std::string> Listing(ShareIndex& si, const Snapshot& s) {
    std::set<std::string> out;
    auto tree = si.At(s);
    EXPECT_TRUE(tree.ok()) << tree.status().ToString();
    if (!tree.ok()) return out;
    EXPECT_TRUE((*tree)
                    ->ForEachFile(*(*tree)->root(),
                                  [&](const node_index::NodeInfo& n) {
                                    out.insert(*(*tree)->PathOf(n) + " " + std::to_string(n.size));
                                  })
                    .ok());
    return out;
  }

  // Two snapshots (the second with one more file) and their listings, read from a
  // saved index that holds both versions.
  void BackUpTwiceAndIndex() {
    first_ = Backup();
    Write("dir1/deep/added.txt", "added");
    second_ = Backup();
    auto si = Open();
    listing_first_ = Listing(*si, first_);
    listing_second_ = Listing(*si, second_);
    ASSERT_EQ(listing_first_.size() + 1, listing_second_.size());
    ASSERT_TRUE(warnings_.empty());
  }

  // Both snapshots answer from a new ShareIndex as before the damage; the first is asked
  // first, so a rebuild has to start from the older snapshot.
  void ExpectRebuiltWithOneWarning(const std::string& warning) {
    auto si = Open();
    EXPECT_EQ(Listing(*si, first_), listing_first_);
    EXPECT_EQ(Listing(*si, second_), listing_second_);
    ASSERT_EQ(warnings_.size(), 1u);
    EXPECT_NE(warnings_[0].find(warning), std::string::npos) << warnings_[0];
    // The rebuilt index is saved and whole: the next process has nothing to repair.
    warnings_.clear();
    auto again = Open();
    EXPECT_EQ(Listing(*again, second_), listing_second_);
    EXPECT_TRUE(warnings_.empty()) << warnings_[0];
  }

  void OverwriteIndexWith(const std::string& bytes) {
    ASSERT_TRUE(WriteFileAtomic(index_path(), bytes).ok());
  }

  Snapshot first_, second_;
  std::set<std::string> listing_first_, listing_second_;
  std::vector<std::string> warnings_;
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

// Every file as the index answers with its change stamp and content hash.
std::set<std::string> Cells(const node_index::NodeTree& t) {
  std::set<std::string> out;
  EXPECT_TRUE(t.ForEachFile(*t.root(), [&](const node_index::NodeInfo& n) {
                 out.insert(*t.PathOf(n) + " " + std::to_string(n.stamp) + " " + std::to_string(n.hash));
               }).ok());
  return out;
}

// A share of ARBOR_INDEX_COLD_FILES files or more keeps stamps and hashes in a cold
// column (here 100 files: the fixture has 603), below it and by default they stay in RAM;
// both answer the same, for the newest version and an older one.
TEST_F(ShareIndexTest, LargeSharesKeepStampsAndHashesInAColdColumn) {
  BackUpTwiceAndIndex();
  std::set<std::string> plain_first, plain_second;
  {
    auto si = Open();
    const node_index::NodeTree* t = *si->At(second_);
    EXPECT_FALSE(t->has_cold_column());
    plain_second = Cells(*t);
    plain_first = Cells(**si->At(first_));
  }
  struct Unset {
    ~Unset() { ::unsetenv("ARBOR_INDEX_COLD_FILES"); }
  } unset;
  ::setenv("ARBOR_INDEX_COLD_FILES", "1000", 1);
  EXPECT_FALSE((*Open()->At(second_))->has_cold_column());
  ::setenv("ARBOR_INDEX_COLD_FILES", "100", 1);
  auto si = Open();
  const node_index::NodeTree* t = *si->At(second_);
  EXPECT_TRUE(t->has_cold_column());
  EXPECT_EQ(Cells(*t), plain_second);
  EXPECT_EQ(Listing(*si, second_), listing_second_);
  const node_index::NodeTree* older = *si->At(first_);
  EXPECT_TRUE(older->has_cold_column());
  EXPECT_EQ(Cells(*older), plain_first);
  // A new snapshot applied to the cold tree, saved, and read back by the next process.
  Write("dir2/new.txt", "new");
  Snapshot third = Backup();
  std::set<std::string> third_cells = Cells(**si->At(third));
  EXPECT_EQ(third_cells.size(), plain_second.size() + 1);
  si.reset();
  ::setenv("ARBOR_INDEX_COLD_FILES", "0", 1);  // off: the reader keeps them in RAM
  auto again = Open();
  const node_index::NodeTree* reread = *again->At(third);
  EXPECT_FALSE(reread->has_cold_column());
  EXPECT_EQ(Cells(*reread), third_cells);
  EXPECT_TRUE(warnings_.empty());
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

TEST_F(ShareIndexTest, GarbageFileIsMovedAsideAndRebuilt) {
  BackUpTwiceAndIndex();
  OverwriteIndexWith(std::string(10000, 'g'));
  ExpectRebuiltWithOneWarning("was damaged (sqlite open: file is not a database); moved it to " +
                              index_path() + ".damaged, rebuilding it from the snapshots");
  EXPECT_EQ(*ReadWholeFile(index_path() + ".damaged"), std::string(10000, 'g')) << "kept as it was, aside";
}

TEST_F(ShareIndexTest, EmptyFileIsRebuilt) {
  BackUpTwiceAndIndex();
  OverwriteIndexWith("");
  ExpectRebuiltWithOneWarning("was empty (0 bytes); rebuilding it from the snapshots");
}

TEST_F(ShareIndexTest, TruncatedFileIsMovedAsideAndRebuilt) {
  BackUpTwiceAndIndex();
  std::string whole = *ReadWholeFile(index_path());
  ASSERT_GT(whole.size(), 3U * 4096);
  OverwriteIndexWith(whole.substr(0, whole.size() / 2));
  ExpectRebuiltWithOneWarning("database disk image is malformed");
}

// A record that fails its checksum: the share's records are dropped, so the rebuild may
// start again from the older snapshot (a save older than the stored versions would
// otherwise be refused), and no damaged row is left behind.
TEST_F(ShareIndexTest, DamagedRecordDropsTheSharesRecordsAndRebuilds) {
  BackUpTwiceAndIndex();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(index_path().c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "UPDATE node_dirs SET record = zeroblob(length(record)) WHERE rowid ="
                         " (SELECT max(rowid) FROM node_dirs)",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_changes(db), 1);
  sqlite3_close(db);
  ExpectRebuiltWithOneWarning("1 damaged record of this share (directory ");
  EXPECT_FALSE(std::filesystem::exists(index_path() + ".damaged")) << "the file itself was sound";
}

}  // namespace
}  // namespace arbor
