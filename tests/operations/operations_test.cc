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
#include "support/test_keys.h"
#include "version.h"

namespace arbor {
namespace {

class EngineTest : public testing::BackupFixture {
 protected:
  Result<VerifyResult> VerifyReadingData() {
    VerifyOptions vo;
    vo.read_data = true;
    return RunVerify(*repo_, vo);
  }
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
  // A name with a NUL cannot even be encoded (trees version 2 terminate names with NUL).
  Node nul;
  nul.name = std::string("x\0y", 3);
  EXPECT_TRUE(repo_->StoreTree({nul}).status().Is(StatusCode::kInvalidArgument));
  // A hostile repository: a tree whose entry is named "..", written below the
  // codec's checks, referenced from a snapshot.
  for (const std::string& bad : {std::string(".."), std::string("a/b")}) {
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
    EXPECT_NE(r.status().message().find("unsafe name"), std::string::npos) << r.status().ToString();
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
  auto v = VerifyReadingData();
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

// The same operations over an encrypted (version-2) namespace.
class EncryptedEngineTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    crypto::Credential pass = testing::Passphrase("pw");
    auto repo = Repository::Init(std::move(OpenObjectStore(dir_ + "/repo", true)).value(), "t", "encrypted",
                                 RepoConfig::NewRandom(), &pass, testing::FastKdf());
    ASSERT_TRUE(repo.ok()) << repo.status().ToString();
    repo_ = std::move(repo).value();
  }
};

TEST_F(EncryptedEngineTest, BackupRestoreVerifyAndPruneWork) {
  Write("big.bin", std::string(2 << 20, 'z') + "unique-1");
  Snapshot first = Backup();
  Snapshot second = Backup();
  EXPECT_EQ(second.stats.files_read, 0U);  // keyed ids and the node index still find everything
  ASSERT_TRUE(::unlink((src_ + "/big.bin").c_str()) == 0);
  Snapshot third = Backup();
  ASSERT_TRUE(repo_->DeleteSnapshot(first.id).ok());
  ASSERT_TRUE(repo_->DeleteSnapshot(second.id).ok());
  auto pruned = RunPrune(*repo_, PruneOptions{});
  ASSERT_TRUE(pruned.ok()) << pruned.status().ToString();
  EXPECT_GT(pruned->blobs_removed, 0U);
  auto v = VerifyReadingData();
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_TRUE(v->ok()) << (v->problems.empty() ? "" : v->problems[0].message);
  EXPECT_GT(v->blobs, 0U);
  PosixTarget target(dir_ + "/out");
  auto r = RunRestore(*repo_, third, target, RestoreOptions{});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->errors, 0U);
  EXPECT_EQ(*ReadWholeFile(dir_ + "/out" + src_ + "/sub/b.txt"), std::string(300000, 'b'));
  EXPECT_EQ(*ReadWholeFile(dir_ + "/out" + src_ + "/a.txt"), "alpha");
}

// One flipped byte inside an encrypted data blob: verify names the pack, and restore
// reports the file instead of writing decrypted garbage under its name.
TEST_F(EncryptedEngineTest, AFlippedByteIsFoundByVerifyAndNeverRestoredAsGarbage) {
  Snapshot snap = Backup();
  IndexEntry biggest;
  ASSERT_TRUE(repo_->index()
                  .ForEach([&](const std::string&, const IndexEntry& e) {
                    if (e.location.type == format::BlobType::kData &&
                        e.location.length > biggest.location.length)
                      biggest = e;
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_GT(biggest.location.raw_length, 100000U);  // sub/b.txt's chunk
  std::string pack_path = dir_ + "/repo/" + format::PackKey(repo_->prefix(), biggest.location.pack);
  std::string pack = ReadWholeFile(pack_path).value();
  pack[biggest.location.offset + biggest.location.length / 2] ^= 0x20;
  ASSERT_TRUE(WriteFileAtomic(pack_path, pack).ok());

  auto v = VerifyReadingData();
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  ASSERT_FALSE(v->ok());
  bool named = false;
  for (const auto& p : v->problems)
    named = named || p.message.find(biggest.location.pack.Hex()) != std::string::npos;
  EXPECT_TRUE(named) << v->problems[0].message;
  bool file_named = false;
  for (const auto& p : v->problems) {
    for (const auto& f : p.affected_files)
      file_named = file_named || f.find("sub/b.txt") != std::string::npos;
  }
  EXPECT_TRUE(file_named) << "verify should name the file whose data is damaged";

  PosixTarget target(dir_ + "/out");
  auto r = RunRestore(*repo_, snap, target, RestoreOptions{});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_GT(r->errors, 0U);
  struct stat st {};
  EXPECT_NE(::stat((dir_ + "/out" + src_ + "/sub/b.txt").c_str(), &st), 0) << "a damaged file was restored";
  EXPECT_EQ(*ReadWholeFile(dir_ + "/out" + src_ + "/a.txt"), "alpha");
}

}  // namespace
}  // namespace arbor
