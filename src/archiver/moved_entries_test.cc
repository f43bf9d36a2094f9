// Moved and renamed entries: the rule that takes a file found by id as unchanged, the
// lookups against a parent snapshot, and backups of a POSIX tree after moves.
#include "archiver/moved_entries.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <utility>
#include <vector>

#include "shares/posix_target.h"
#include "restorer/restore.h"
#include "support/backup_fixture.h"

namespace arbor {
namespace {

Node File(std::string name, uint64_t id) {
  Node n;
  n.name = std::move(name);
  n.kind = NodeKind::kFile;
  n.file_id = id;
  n.inode = id;
  n.device = 2049;
  n.size = 100;
  n.mtime_ns = 1000;
  n.ctime_ns = 2000;
  n.btime_ns = 500;
  n.content = {Sha256Of(n.name)};
  n.chunk_sizes = {100};
  return n;
}

TEST(SameFileMovedTest, NeedsBirthTimeSizeAndMtimeButNotCtime) {
  Node before = File("old-name", 7);
  Node now = File("new-name", 7);
  now.ctime_ns = 9999;  // what a rename does
  EXPECT_TRUE(SameFileMoved(now, before));

  // Each of these differences makes it another file, or other content.
  const std::vector<std::pair<const char*, void (*)(Node*)>> changes = {
      {"a new birth time (the inode freed and reused)", [](Node* n) { n->btime_ns = 600; }},
      {"an unknown birth time", [](Node* n) { n->btime_ns = 0; }},
      {"a new mtime", [](Node* n) { n->mtime_ns = 1001; }},
      {"a new size", [](Node* n) { n->size = 101; }},
      {"another inode", [](Node* n) { n->inode = 8; }},
      {"another device", [](Node* n) { n->device = 2050; }},
      {"a directory", [](Node* n) { n->kind = NodeKind::kDirectory; }},
  };
  for (const auto& [what, change] : changes) {
    Node changed = now;
    change(&changed);
    EXPECT_FALSE(SameFileMoved(changed, before)) << what;
  }
  Node unknown_now = now, unknown_before = before;
  unknown_now.btime_ns = unknown_before.btime_ns = 0;
  EXPECT_FALSE(SameFileMoved(unknown_now, unknown_before))
      << "without birth times a reused inode looks the same";
}

class MovedEntriesTest : public testing::BackupFixture {
 protected:
  // root: dir "a" (id 10) holding "f" (id 20, born at 500) and "nobirth" (id 21, no
  // birth time); file "top" (id 30).
  void SetUp() override {
    BackupFixture::SetUp();
    Node nobirth = File("nobirth", 21);
    nobirth.btime_ns = 0;
    auto a_tree = repo_->StoreTree({File("f", 20), nobirth});
    ASSERT_TRUE(a_tree.ok());
    Node a;
    a.name = "a";
    a.kind = NodeKind::kDirectory;
    a.file_id = 10;
    a.btime_ns = 400;
    a.subtree = *a_tree;
    auto root = repo_->StoreTree({a, File("top", 30)});
    ASSERT_TRUE(root.ok());
    ASSERT_TRUE(repo_->Flush().ok());
    root_ = *root;
  }
  static Node Dir(uint64_t id, int64_t btime) {
    Node n;
    n.kind = NodeKind::kDirectory;
    n.file_id = id;
    n.btime_ns = btime;
    return n;
  }

  Digest root_;
};

TEST_F(MovedEntriesTest, FindsDirectoriesAndFilesById) {
  MovedEntries moved(*repo_, root_, {.files = true, .born_by_ns = 1000});
  const Node* dir = moved.Find(Dir(10, 400));
  ASSERT_NE(dir, nullptr);
  EXPECT_EQ(dir->name, "a");
  EXPECT_EQ(moved.indexed_files(), 0U) << "a directory lookup indexes directories only";
  const Node* f = moved.Find(File("renamed", 20));
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->name, "f");
  EXPECT_EQ(f->content, File("f", 20).content);
  const Node* top = moved.Find(File("elsewhere", 30));
  ASSERT_NE(top, nullptr);
  EXPECT_EQ(top->name, "top");
  EXPECT_EQ(moved.Find(File("x", 99)), nullptr);
  EXPECT_EQ(moved.Find(File("nobirth", 21)), nullptr) << "a file without a birth time is never indexed";
  EXPECT_EQ(moved.indexed_dirs(), 1U);
  EXPECT_EQ(moved.indexed_files(), 2U);
}

TEST_F(MovedEntriesTest, EntriesBornAfterTheParentAreNotLookedFor) {
  MovedEntries moved(*repo_, root_, {.files = true, .born_by_ns = 450});
  EXPECT_EQ(moved.Find(File("f", 20)), nullptr);  // born at 500
  EXPECT_EQ(moved.indexed_files(), 0U) << "no index built for an entry that cannot be there";
  EXPECT_NE(moved.Find(Dir(10, 400)), nullptr);
  EXPECT_EQ(moved.Find(Dir(10, 451)), nullptr);
}

TEST_F(MovedEntriesTest, FilesAreLookedUpOnlyWhenBirthTimesAreFixed) {
  MovedEntries azure_like(*repo_, root_);  // StableFileIds without FixedBirthTimes
  EXPECT_EQ(azure_like.Find(File("renamed", 20)), nullptr);
  EXPECT_NE(azure_like.Find(Dir(10, 0)), nullptr);
  MovedEntries unbounded(*repo_, root_, {.files = true, .born_by_ns = 0});
  EXPECT_EQ(unbounded.Find(File("renamed", 20)), nullptr) << "every new file would pay for the index";
  MovedEntries none(*repo_, std::nullopt, {.files = true, .born_by_ns = 1000});
  EXPECT_EQ(none.Find(Dir(10, 400)), nullptr);
}

// Backups of a real tree: a directory moved, files renamed in place and moved alone,
// one of them with its mode and xattrs changed too, one with its content rewritten.
class PosixMovesTest : public testing::BackupFixture {};

TEST_F(PosixMovesTest, MovedAndRenamedEntriesAreNotReadAgain) {
  for (int i = 0; i < 50; ++i) Write("a/deep/f" + std::to_string(i), "deep file " + std::to_string(i));
  Write("a/deep/inner/g", "inner");
  for (int i = 0; i < 10; ++i) Write("c/r" + std::to_string(i), std::string(1000 + i, 'r'));
  ASSERT_TRUE(MakeDirs(src_ + "/b").ok());
  Snapshot first = Backup();
  ASSERT_EQ(first.stats.files_read, 61U);

  auto mv = [&](const std::string& from, const std::string& to) {
    ASSERT_EQ(::rename((src_ + "/" + from).c_str(), (src_ + "/" + to).c_str()), 0) << from;
  };
  mv("a/deep", "b/moved");
  ASSERT_TRUE(MakeDirs(src_ + "/d").ok());
  for (int i = 0; i < 10; i += 2) mv("c/r" + std::to_string(i), "c/renamed" + std::to_string(i));
  for (int i = 1; i < 10; i += 2) mv("c/r" + std::to_string(i), "d/r" + std::to_string(i));
  ASSERT_EQ(::chmod((src_ + "/c/renamed0").c_str(), 0600), 0);
  ASSERT_EQ(::setxattr((src_ + "/c/renamed0").c_str(), "user.tag", "new", 3, 0), 0);
  Snapshot second = Backup();
  EXPECT_EQ(second.stats.files_total, 61U);
  EXPECT_EQ(second.stats.files_read, 0U);
  EXPECT_EQ(second.stats.bytes_read, 0U);

  // The metadata of the moved file is read again (the move set its ctime).
  PosixTarget target(dir_ + "/out");
  auto restored = RunRestore(*repo_, second, target, RestoreOptions{});
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_EQ(restored->errors, 0U);
  std::string out = dir_ + "/out" + src_;
  EXPECT_EQ(*ReadWholeFile(out + "/b/moved/f7"), "deep file 7");
  EXPECT_EQ(*ReadWholeFile(out + "/b/moved/inner/g"), "inner");
  EXPECT_EQ(*ReadWholeFile(out + "/c/renamed4"), std::string(1004, 'r'));
  EXPECT_EQ(*ReadWholeFile(out + "/d/r3"), std::string(1003, 'r'));
  struct stat st {};
  ASSERT_EQ(::stat((out + "/c/renamed0").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600U);
  char value[8] = {};
  EXPECT_EQ(::getxattr((out + "/c/renamed0").c_str(), "user.tag", value, sizeof value), 3);

  // Moved and rewritten (same size, new mtime): read.
  mv("d/r3", "c/back");
  Write("c/back", std::string(1003, 'R'));
  Snapshot third = Backup();
  EXPECT_EQ(third.stats.files_read, 1U);
}

}  // namespace
}  // namespace arbor
