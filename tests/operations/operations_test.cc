// Engine tests through the library (the CLI scenarios in tests/scenarios cover the
// same paths end to end).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archiver/backup.h"
#include "base/file_util.h"
#include "browse/diff.h"
#include "checker/verify.h"
#include "maintenance/prune.h"
#include "restorer/restore.h"
#include "shares/posix_source.h"
#include "shares/posix_target.h"
#include "support/backup_fixture.h"
#include "version.h"

namespace arbor {
namespace {

class EngineTest : public testing::BackupFixture {
 protected:
  void SetUp() override {
    BackupFixture::SetUp();
    Write("a.txt", "alpha");
    Write("sub/b.txt", std::string(300000, 'b'));
  }
};

TEST_F(EngineTest, IncrementalReadsOnlyChangedFiles) {
  Snapshot first = Backup();
  EXPECT_EQ(first.stats.files_read, 2U);
  EXPECT_EQ(first.program_version, kProgramVersion);  // from project(VERSION) via version.h
  Snapshot second = Backup();
  EXPECT_EQ(second.stats.files_read, 0U);
  EXPECT_EQ(second.stats.bytes_read, 0U);
  EXPECT_EQ(*second.parent, first.id);
  Write("a.txt", "alpha, changed");
  Snapshot third = Backup();
  EXPECT_EQ(third.stats.files_read, 1U);

  std::vector<std::string> changed;
  auto stats = DiffTrees(*repo_, second.tree, third.tree,
                         [&](Change c, const std::string& path, const Node*, const Node*) {
                           changed.push_back(std::string(1, static_cast<char>(c)) + path);
                         });
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(changed, std::vector<std::string>{"M" + src_ + "/a.txt"});
}

TEST_F(EngineTest, RestoreRefusesNamesThatEscapeTheTarget) {
  // A hostile repository: a tree whose entry is named "..", written below the
  // codec's checks, referenced from a snapshot.
  for (const std::string& bad : {std::string(".."), std::string("a/b"), std::string("x\0y", 3)}) {
    Node evil;
    evil.name = bad;
    evil.kind = NodeKind::kFile;
    auto tree = repo_->StoreTree({evil});
    ASSERT_TRUE(tree.ok());
    ASSERT_TRUE(repo_->Flush().ok());
    Snapshot s;
    s.tree = *tree;
    PosixTarget target(dir_ + "/target");
    auto r = RunRestore(*repo_, s, target, RestoreOptions{});
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.status().Is(StatusCode::kCorruption)) << r.status().ToString();
    EXPECT_NE(r.status().message().find("unsafe name"), std::string::npos);
    struct stat st {};
    EXPECT_NE(::stat((dir_ + "/x").c_str(), &st), 0);
  }
}

TEST_F(EngineTest, PruneFreesForgottenDataAndKeepsTheRest) {
  Write("big.bin", std::string(2 << 20, 'z') + "unique-1");
  Snapshot first = Backup();
  ASSERT_TRUE(::unlink((src_ + "/big.bin").c_str()) == 0);
  Snapshot second = Backup();
  ASSERT_TRUE(repo_->DeleteSnapshot(first.id).ok());
  auto pruned = RunPrune(*repo_, PruneOptions{});
  ASSERT_TRUE(pruned.ok()) << pruned.status().ToString();
  EXPECT_GT(pruned->blobs_removed, 0U);
  VerifyOptions vo;
  vo.read_data = true;
  auto v = RunVerify(*repo_, vo);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok()) << (v->problems.empty() ? "" : v->problems[0].message);
  PosixTarget target(dir_ + "/out");
  auto r = RunRestore(*repo_, second, target, RestoreOptions{});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*ReadWholeFile(dir_ + "/out" + src_ + "/sub/b.txt"), std::string(300000, 'b'));
}

TEST_F(EngineTest, PruneIsRefusedWhileABackupHoldsTheRepository) {
  auto shared = repo_->Lock(LockKind::kShared, std::chrono::seconds(0));
  ASSERT_TRUE(shared.ok());
  auto pruned = RunPrune(*repo_, PruneOptions{});
  EXPECT_TRUE(pruned.status().Is(StatusCode::kBusy)) << pruned.status().ToString();
}

}  // namespace
}  // namespace arbor
