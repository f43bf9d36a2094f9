#include "maintenance/migrate.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "checker/verify.h"
#include "restorer/restore.h"
#include "shares/posix_target.h"
#include "support/backup_fixture.h"
#include "support/random_bytes.h"
#include "support/test_keys.h"

namespace arbor {
namespace {

// The fixture's repository is version 1 (unencrypted); the target is encrypted.
class MigrateTest : public testing::BackupFixture {
 protected:
  std::unique_ptr<Repository> Encrypted() {
    auto store = OpenObjectStore(dir_ + "/encrypted", true);
    EXPECT_TRUE(store.ok());
    crypto::Credential pass = testing::Passphrase("pw");
    auto r = Repository::Init(std::move(store).value(), "t", "s", RepoConfig::NewRandom(), &pass,
                              testing::FastKdf());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r).value() : nullptr;
  }

  // Restores `snapshot` of `repo` and returns its copy of src/<rel>.
  std::string Restored(Repository& repo, const Snapshot& snapshot, const std::string& rel) {
    std::string out = dir_ + "/restore-" + snapshot.id.Hex().substr(0, 8);
    PosixTarget target(out);
    auto r = RunRestore(repo, snapshot, target, RestoreOptions{});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    auto data = ReadWholeFile(out + src_ + "/" + rel);
    EXPECT_TRUE(data.ok()) << rel;
    return data.ok() ? *data : std::string();
  }
};

// Two snapshots, one with a file several maximum-size chunks long (the re-chunking
// buffer refills many times): both arrive with their time, host and tags, restore byte
// for byte, verify, and use the target's keyed ids; a second run migrates nothing.
TEST_F(MigrateTest, SnapshotsArriveRechunkedUnderTheTargetsIdsAndRestoreIdentical) {
  std::string big = testing::RandomBytes(11, 9 * 1024 * 1024 + 123);
  Write("big.bin", big);
  Write("docs/a.txt", "first version");
  BackupOptions first;
  first.tags = {"first"};
  Snapshot s1 = Backup(first);
  Write("docs/a.txt", "second version");
  Write("docs/b.txt", testing::RandomBytes(12, 70000));
  Snapshot s2 = Backup();

  auto target = Encrypted();
  ASSERT_TRUE(target);
  ASSERT_TRUE(NeedsMigration(*repo_, *target));
  EXPECT_FALSE(CheckCopyable(*repo_, *target).ok()) << "copy alone cannot: ids differ";
  auto r = MigrateSnapshots(*repo_, *target, {s1, s2}, CopyOptions{});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->snapshots_copied, 2U);
  EXPECT_GT(r->blobs_copied, 3U);

  auto listed = target->ListSnapshots().value();
  ASSERT_EQ(listed.size(), 2U);
  EXPECT_EQ(listed[0].time_ns, s1.time_ns);
  EXPECT_EQ(listed[0].tags, s1.tags);
  EXPECT_EQ(listed[1].hostname, s2.hostname);
  EXPECT_EQ(listed[1].paths, s2.paths);
  EXPECT_NE(listed[0].tree, s1.tree);
  EXPECT_EQ(Restored(*target, listed[0], "big.bin"), big);
  EXPECT_EQ(Restored(*target, listed[0], "docs/a.txt"), "first version");
  EXPECT_EQ(Restored(*target, listed[1], "docs/a.txt"), "second version");
  // The target's ids are keyed: the source's id of the small file's content is unknown there.
  EXPECT_FALSE(target->index().Find(repo_->BlobId("second version")).value().has_value());
  EXPECT_TRUE(target->index().Find(target->BlobId("second version")).value().has_value());

  VerifyOptions v;
  v.read_data = true;
  auto verified = RunVerify(*target, v);
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->problems.empty());

  auto again = MigrateSnapshots(*repo_, *target, {s1, s2}, CopyOptions{});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->snapshots_copied, 0U);
  EXPECT_EQ(again->snapshots_present, 2U);
  EXPECT_EQ(again->bytes_sent, 0U);
}

TEST_F(MigrateTest, OnlyFromUnencryptedIntoEncrypted) {
  Snapshot s = Backup();
  auto target = Encrypted();
  ASSERT_TRUE(target);
  EXPECT_TRUE(
      MigrateSnapshots(*target, *repo_, {s}, CopyOptions{}).status().Is(StatusCode::kInvalidArgument));
  EXPECT_TRUE(MigrateSnapshots(*repo_, *repo_, {s}, CopyOptions{}).status().Is(StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace arbor
