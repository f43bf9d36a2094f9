#include "maintenance/copy.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>

#include "checker/verify.h"
#include "repo/format.h"
#include "restorer/restore.h"
#include "shares/posix_target.h"
#include "support/backup_fixture.h"
#include "support/random_bytes.h"
#include "support/test_keys.h"

namespace arbor {
namespace {

class CopyTest : public testing::BackupFixture {
 protected:
  void WriteFiles(int n, uint64_t seed) {
    for (int i = 0; i < n; ++i)
      Write("d" + std::to_string(i % 3) + "/f" + std::to_string(i),
            testing::RandomBytes(seed + i, 3000 + i * 700));
  }

  std::unique_ptr<ObjectStore> StoreAt(const std::string& name) {
    auto store = OpenObjectStore(dir_ + "/" + name, true);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return std::move(store).value();
  }

  // Opens (or creates as a replica) the copy target in dir_/name.
  std::unique_ptr<Repository> Target(Repository& source, const std::string& name, bool* created,
                                     const crypto::Credential* credential = nullptr) {
    auto r = OpenCopyTarget(source, StoreAt(name), "t", "s", credential, created);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r).value() : nullptr;
  }

  Result<CopyResult> CopyAll(Repository& source, Repository& target) {
    ARBOR_ASSIGN_OR_RETURN(auto all, source.ListSnapshots());
    return CopySnapshots(source, target, all, CopyOptions{});
  }

  // Restores `snapshot` from `repo` and checks every file of src/ came back byte for byte.
  void ExpectRestoresSource(Repository& repo, const Snapshot& snapshot) {
    std::string out = dir_ + "/restore-" + snapshot.id.Hex().substr(0, 8);
    PosixTarget target(out);
    auto r = RunRestore(repo, snapshot, target, RestoreOptions{});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->errors, 0U);
    int files = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(src_)) {
      if (!e.is_regular_file()) continue;
      auto want = ReadWholeFile(e.path());
      auto got = ReadWholeFile(out + e.path().string());
      ASSERT_TRUE(want.ok() && got.ok()) << e.path();
      EXPECT_EQ(*got, *want) << e.path();
      ++files;
    }
    EXPECT_GT(files, 0);
  }

  void ExpectVerifies(Repository& repo) {
    VerifyOptions v;
    v.read_data = true;
    auto r = RunVerify(repo, v);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    for (const auto& p : r->problems) ADD_FAILURE() << p.message;
  }
};

TEST_F(CopyTest, ToAnEmptyLocationMakesAReplicaThatRestoresIdentical) {
  WriteFiles(12, 1);
  Snapshot snap = Backup();
  bool created = false;
  auto target = Target(*repo_, "replica", &created);
  ASSERT_TRUE(target);
  EXPECT_TRUE(created);
  EXPECT_EQ(target->config().id, repo_->config().id);
  EXPECT_EQ(target->config().chunker.seed, repo_->config().chunker.seed);

  auto r = CopyAll(*repo_, *target);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->snapshots_copied, 1U);
  EXPECT_EQ(r->blobs_copied + r->trees_copied, snap.stats.blobs_added);
  EXPECT_GT(r->bytes_sent, 0U);
  EXPECT_GT(r->packs_written, 0U);
  auto listed = target->ListSnapshots();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1U);
  EXPECT_EQ((*listed)[0].id, snap.id) << "an unencrypted snapshot object is copied as it was";
  ExpectRestoresSource(*target, (*listed)[0]);
  ExpectVerifies(*target);
}

TEST_F(CopyTest, ASecondCopySendsNothingAndANewSnapshotOnlyItsNewBlobs) {
  WriteFiles(12, 1);
  Backup();
  bool created = false;
  auto target = Target(*repo_, "replica", &created);
  ASSERT_TRUE(target);
  ASSERT_TRUE(CopyAll(*repo_, *target).ok());

  auto again = CopyAll(*repo_, *target);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->snapshots_copied, 0U);
  EXPECT_EQ(again->snapshots_present, 1U);
  EXPECT_EQ(again->blobs_copied, 0U);
  EXPECT_EQ(again->bytes_sent, 0U);
  EXPECT_EQ(again->bytes_read, 0U);
  EXPECT_EQ(again->packs_written, 0U);

  Write("d0/new", testing::RandomBytes(99, 50000));
  Snapshot second = Backup();
  ASSERT_GT(second.stats.blobs_added, 0U);
  auto incremental = CopyAll(*repo_, *target);
  ASSERT_TRUE(incremental.ok()) << incremental.status().ToString();
  EXPECT_EQ(incremental->snapshots_copied, 1U);
  EXPECT_EQ(incremental->snapshots_present, 1U);
  EXPECT_EQ(incremental->blobs_copied, second.stats.blobs_added - incremental->trees_copied)
      << "only the new file's chunks travel";
  auto found = target->FindSnapshot(second.id.Hex());
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ExpectRestoresSource(*target, *found);
  ExpectVerifies(*target);
}

TEST_F(CopyTest, IntoAnotherUnencryptedRepositoryDeduplicatesAgainstWhatItHas) {
  WriteFiles(6, 1);
  // The target was made on its own (other config id and gear seed) and already holds
  // a backup of the same files: plain SHA-256 ids let copy find them.
  auto own = Repository::Init(StoreAt("other"), "t", "s", RepoConfig::NewRandom());
  ASSERT_TRUE(own.ok());
  BackupOptions opts;
  opts.paths = {src_};
  opts.hostname = "other";
  ASSERT_TRUE(RunBackup(**own, source_, opts).ok());
  own->reset();
  Snapshot snap = Backup();
  bool created = true;
  auto target = Target(*repo_, "other", &created);
  ASSERT_TRUE(target);
  EXPECT_FALSE(created);
  EXPECT_NE(target->config().id, repo_->config().id);
  auto r = CopyAll(*repo_, *target);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->snapshots_copied, 1U);
  ExpectRestoresSource(*target, *target->FindSnapshot(snap.id.Hex()));
  ExpectVerifies(*target);
}

TEST_F(CopyTest, ADamagedSourceBlobStopsTheCopyBeforeItsSnapshot) {
  WriteFiles(4, 1);
  Backup();
  // Flip a byte inside one data blob of the source (its trees stay readable).
  std::optional<IndexEntry> victim;
  ASSERT_TRUE(repo_->index()
                  .ForEach([&](const std::string&, const IndexEntry& e) {
                    if (!victim && e.location.type == format::BlobType::kData) victim = e;
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_TRUE(victim);
  {
    std::fstream f(dir_ + "/repo/" + format::PackKey(repo_->prefix(), victim->location.pack),
                   std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(victim->location.offset + victim->location.length / 2);
    char c = 0;
    f.get(c);
    f.seekp(victim->location.offset + victim->location.length / 2);
    f.put(static_cast<char>(c ^ 0x5a));
  }
  bool created = false;
  auto target = Target(*repo_, "replica", &created);
  ASSERT_TRUE(target);
  auto r = CopyAll(*repo_, *target);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("arbor verify"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find(victim->id.Hex()), std::string::npos) << "names the damaged blob";
  auto listed = target->ListSnapshots();
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty()) << "no snapshot may name what was not copied";
}

class EncryptedCopyTest : public CopyTest {
 protected:
  std::unique_ptr<Repository> InitEncrypted(const std::string& name, const std::string& password) {
    crypto::Credential pass = testing::Passphrase(password);
    auto r = Repository::Init(StoreAt(name), "t", "s", RepoConfig::NewRandom(), &pass, testing::FastKdf());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return std::move(r).value();
  }
  Snapshot BackupInto(Repository& repo) {
    BackupOptions opts;
    opts.paths = {src_};
    opts.hostname = "test";
    auto r = RunBackup(repo, source_, opts);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->snapshot : Snapshot{};
  }
};

TEST_F(EncryptedCopyTest, AReplicaOfAnEncryptedRepositoryOpensWithTheSameKeyAndRestores) {
  WriteFiles(8, 3);
  auto source = InitEncrypted("enc", "pw");
  Snapshot snap = BackupInto(*source);
  crypto::Credential pass = testing::Passphrase("pw");
  bool created = false;
  auto target = Target(*source, "replica", &created, &pass);
  ASSERT_TRUE(target);
  EXPECT_TRUE(created);
  ASSERT_NE(target->cipher(), nullptr);
  auto mode = CheckCopyable(*source, *target);
  ASSERT_TRUE(mode.ok());
  EXPECT_EQ(*mode, CopyMode::kAsStored);
  auto r = CopyAll(*source, *target);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->snapshots_copied, 1U);
  auto listed = target->ListSnapshots();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1U);
  EXPECT_EQ((*listed)[0].tree, snap.tree);
  ExpectRestoresSource(*target, (*listed)[0]);
  ExpectVerifies(*target);
  auto again = CopyAll(*source, *target);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->bytes_sent, 0U);
  EXPECT_EQ(again->snapshots_present, 1U);
}

TEST_F(EncryptedCopyTest, ATargetWithAnotherIdSchemeIsRefusedAndToldHowToMakeAReplica) {
  WriteFiles(3, 5);
  auto a = InitEncrypted("a", "pw");
  auto b = InitEncrypted("b", "pw");
  BackupInto(*a);
  auto two_keys = CheckCopyable(*a, *b);
  ASSERT_FALSE(two_keys.ok());
  EXPECT_TRUE(two_keys.status().Is(StatusCode::kInvalidArgument));
  EXPECT_NE(two_keys.status().message().find("another id key"), std::string::npos);
  EXPECT_NE(two_keys.status().message().find("replica"), std::string::npos);
  auto r = CopyAll(*a, *b);
  ASSERT_FALSE(r.ok());
  auto listed = b->ListSnapshots();
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());

  // Unencrypted into encrypted and back.
  auto to_encrypted = CheckCopyable(*repo_, *a);
  ASSERT_FALSE(to_encrypted.ok());
  EXPECT_NE(to_encrypted.status().message().find("it is encrypted and the source is not"), std::string::npos);
  EXPECT_FALSE(CheckCopyable(*a, *repo_).ok());
}

}  // namespace
}  // namespace arbor
