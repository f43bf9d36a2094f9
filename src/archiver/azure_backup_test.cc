// Backup from and restore to Azure Files through the engine, against the emulator:
// the share-snapshot lifecycle, failures that leave nothing behind, range reuse for
// large changed files (with the QuickXorHash amended, not recomputed), the same snapshot
// from the fast paths (read-ahead, parent trees loaded ahead) as without them, and a
// restore that brings SMB properties back.
#include "archiver/azure_backup.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

#include "azure/file_attributes.h"
#include "base/file_util.h"
#include "browse/tree_walk.h"
#include "hash/quickxor.h"
#include "restorer/restore.h"
#include "shares/azure_files_target.h"
#include "store/open_store.h"
#include "support/emulator_process.h"
#include "support/temp_dir.h"

namespace arbor {
namespace {

using testing::EmulatorProcess;

std::string Random(size_t n, uint64_t seed) {
  std::string s(n, '\0');
  uint64_t x = seed * 0x9E3779B97F4A7C15ULL + 1;
  for (char& c : s) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    c = static_cast<char>(x >> 24);
  }
  return s;
}

class AzureBackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto emu = EmulatorProcess::Start();
    ASSERT_TRUE(emu.ok()) << emu.status().ToString();
    emu_ = std::move(emu).value();
    azure::ClientOptions options;
    options.retry.initial_delay = std::chrono::milliseconds(5);
    options.retry.max_total = std::chrono::seconds(2);
    client_ = std::move(azure::FilesClient::Create(emu_->Credentials(), options)).value();
    ASSERT_TRUE(client_->CreateShare("src").ok());
    ASSERT_TRUE(client_->CreateShare("dst").ok());
    dir_ = testing::MakeTempDir("arbor-azbackup");
    auto store = OpenObjectStore(dir_ + "/repo", true);
    repo_ = std::move(Repository::Init(std::move(store).value(), "t", "s", RepoConfig::NewRandom())).value();
  }
  void TearDown() override { (void)RemoveAll(dir_); }

  Result<AzureBackupResult> Backup(bool force = false,
                                   std::chrono::seconds sweep_min_age = kShareSnapshotSweepMinAge,
                                   ReadAheadOptions read_ahead = {}) {
    AzureBackupOptions azure{"devstoreaccount1", "src", "", ShareConsistency::kNewSnapshot, "", {}};
    azure.sweep_min_age = sweep_min_age;
    azure.read_ahead = read_ahead;
    BackupOptions options;
    options.hostname = "test";
    options.threads = 4;
    options.no_parent = force;
    return RunAzureBackup(*repo_, *client_, azure, options);
  }
  // Every kind of metadata the emulator keeps: SMB attributes and times, SDDLs, metadata
  // on files and directories, empty, small, read-ahead-sized and larger files, unicode
  // names, nested directories.
  void FillWithEveryMetadataKind() {
    azure::SmbProperties hidden;
    hidden.attributes = azure::kAttrHidden | azure::kAttrArchive;
    hidden.creation_time = *azure::ParseSmbTime("2001-02-03T04:05:06.1234567Z");
    hidden.last_write_time = *azure::ParseSmbTime("2002-02-03T04:05:06.7654321Z");
    hidden.permission = "O:BAG:SYD:(A;;FA;;;BA)";
    azure::SmbProperties readonly;
    readonly.attributes = azure::kAttrReadOnly;
    readonly.permission = "O:SYG:SYD:(A;;FA;;;SY)(A;;0x1200a9;;;BU)";
    ASSERT_TRUE(client_->CreateDirectory("src", "d", {}, {{"where", "dir"}}).ok());
    ASSERT_TRUE(client_->CreateDirectory("src", "d/sub \u00e9t\u00e9", readonly).ok());
    for (int i = 0; i < 40; ++i) {
      std::string path = (i % 2 ? "d/" : "d/sub \u00e9t\u00e9/") + std::string("f") + std::to_string(i);
      std::string data = i % 10 == 0 ? "" : Random(static_cast<size_t>(i) * 997, i);
      ASSERT_TRUE(client_->CreateFile("src", path, data.size(), {}, {{"i", std::to_string(i)}}).ok());
      if (!data.empty()) Put(path, 0, data);
      ASSERT_TRUE(client_->SetFileProperties("src", path, i % 3 ? hidden : readonly).ok());
    }
    for (size_t size : {size_t{1} << 20, (size_t{1} << 20) + 1, size_t{5} << 20}) {
      std::string path = "d/size" + std::to_string(size);
      ASSERT_TRUE(client_->CreateFile("src", path, size).ok());
      Put(path, 0, Random(size, size));
    }
  }

  std::set<std::string> ShareSnapshots() {
    auto list = client_->ListShareSnapshots("src");
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    return list.ok() ? std::set<std::string>(list->begin(), list->end()) : std::set<std::string>();
  }

  void Put(const std::string& path, uint64_t offset, const std::string& data) {
    for (size_t pos = 0; pos < data.size(); pos += azure::kMaxRangeBytes) {
      ASSERT_TRUE(
          client_
              ->PutRange("src", path, offset + pos, std::string_view(data).substr(pos, azure::kMaxRangeBytes))
              .ok());
    }
  }
  std::string ReadAll(const std::string& share, const std::string& path) {
    auto props = client_->GetFileProperties({share, ""}, path);
    EXPECT_TRUE(props.ok()) << props.status().ToString();
    std::string out;
    for (uint64_t pos = 0; props.ok() && pos < props->size; pos += azure::kMaxRangeBytes) {
      out += *client_->ReadRange({share, ""}, path, pos,
                                 std::min<uint64_t>(azure::kMaxRangeBytes, props->size - pos));
    }
    return out;
  }
  Status Restore(const Snapshot& snap) {
    AzureFilesTarget target(client_.get(), "devstoreaccount1", "dst", "",
                            [this](const Digest& id) { return repo_->LoadBlob(id); });
    RestoreOptions options;
    options.threads = 4;
    return RunRestore(*repo_, snap, target, options).status();
  }

  std::unique_ptr<EmulatorProcess> emu_;
  std::unique_ptr<azure::FilesClient> client_;
  std::string dir_;
  std::unique_ptr<Repository> repo_;
};

TEST_F(AzureBackupTest, KeepsTheShareSnapshotOfTheLatestBackupOnly) {
  ASSERT_TRUE(client_->CreateFile("src", "f", 3).ok());
  auto first = Backup();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->backup.snapshot.source, "azfiles://devstoreaccount1/src");
  EXPECT_EQ(first->backup.snapshot.source_snapshot, first->share_snapshot);
  EXPECT_EQ(*client_->ListShareSnapshots("src"), std::vector<std::string>{first->share_snapshot});
  auto second = Backup();
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->backup.snapshot.parent, first->backup.snapshot.id);
  EXPECT_EQ(second->backup.snapshot.stats.files_read, 0u);
  EXPECT_EQ(*client_->ListShareSnapshots("src"), std::vector<std::string>{second->share_snapshot});
}

TEST_F(AzureBackupTest, ForcedBackupsLeaveOnlyTheShareSnapshotTheLatestRecords) {
  ASSERT_TRUE(client_->CreateFile("src", "f", 3).ok());
  auto first = Backup(/*force=*/true);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto second = Backup(/*force=*/true);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_FALSE(second->backup.snapshot.parent) << "--force names no parent";
  EXPECT_TRUE(second->backup.warnings.empty()) << second->backup.warnings.front();
  EXPECT_EQ(ShareSnapshots(), std::set<std::string>{second->backup.snapshot.source_snapshot});
  // An unforced backup after them keeps going the same way.
  auto third = Backup();
  ASSERT_TRUE(third.ok()) << third.status().ToString();
  EXPECT_EQ(ShareSnapshots(), std::set<std::string>{third->backup.snapshot.source_snapshot});
}

TEST_F(AzureBackupTest, SweepsOldOrphansOfThisRepositoryAndNothingElse) {
  ASSERT_TRUE(client_->CreateFile("src", "f", 3).ok());
  // Left by a killed backup of this repository, by an arbor before the repository mark,
  // by a backup into another repository, and by people or other tools.
  const std::string orphan = *client_->CreateShareSnapshot("src", ArborShareSnapshotMark(repo_->config().id));
  const std::string legacy = *client_->CreateShareSnapshot("src", {{"arbor", "backup"}});
  const std::string other_repo =
      *client_->CreateShareSnapshot("src", ArborShareSnapshotMark("another-repository"));
  const std::string user = *client_->CreateShareSnapshot("src");
  const std::string user_marked = *client_->CreateShareSnapshot("src", {{"arbor", "keep-me"}});
  // Young, they may belong to a backup in flight: the default age limit (7 days) keeps them.
  auto first = Backup();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(ShareSnapshots(), (std::set<std::string>{orphan, legacy, other_repo, user, user_marked,
                                                     first->backup.snapshot.source_snapshot}));
  // Past a (shortened) age limit the orphans of this repository go, the others stay.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  auto second = Backup(/*force=*/false, std::chrono::seconds(1));
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_TRUE(second->backup.warnings.empty()) << second->backup.warnings.front();
  EXPECT_EQ(ShareSnapshots(),
            (std::set<std::string>{other_repo, user, user_marked, second->backup.snapshot.source_snapshot}));
}

TEST_F(AzureBackupTest, AFailedBackupLeavesNoSnapshotOfEitherKind) {
  ASSERT_TRUE(client_->CreateDirectory("src", "d").ok());
  ASSERT_TRUE(emu_->SetFaults("corrupt_xml_rate=1").ok());
  auto result = Backup();
  ASSERT_TRUE(emu_->SetFaults("corrupt_xml_rate=0").ok());
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.status().Is(StatusCode::kCorruption)) << result.status().ToString();
  EXPECT_TRUE(repo_->ListSnapshots()->empty());
  EXPECT_TRUE(client_->ListShareSnapshots("src")->empty());
}

TEST_F(AzureBackupTest, ChangedRangesAreReadAloneAndTheHashIsAmended) {
  std::string data = Random(24 << 20, 1);
  ASSERT_TRUE(client_->CreateFile("src", "big.bin", data.size()).ok());
  Put("big.bin", 0, data);
  ASSERT_TRUE(Backup().ok());

  auto check = [&](const char* what, uint64_t max_served) {
    ASSERT_TRUE(emu_->ResetStats().ok());
    auto r = Backup();
    ASSERT_TRUE(r.ok()) << what << ": " << r.status().ToString();
    EXPECT_LE(*emu_->StatValue("file_bytes_served"), max_served) << what;
    auto node = LookupPath(*repo_, r->backup.snapshot.tree, "/big.bin");
    ASSERT_TRUE(node.ok());
    EXPECT_EQ(node->size, data.size()) << what;
    EXPECT_EQ(*node->quickxor, QuickXorOf(data)) << what;
    ASSERT_TRUE(Restore(r->backup.snapshot).ok()) << what;
    EXPECT_TRUE(ReadAll("dst", "big.bin") == data) << what;
  };

  for (uint64_t at : {uint64_t{5}, uint64_t{7 << 20}, uint64_t{(24 << 20) - 4096}}) {
    std::string patch = Random(4096, at);
    data.replace(at, patch.size(), patch);
    Put("big.bin", at, patch);
  }
  check("in place", 3 * 4096);

  std::string tail = Random(3 << 20, 9);  // grows by 3 MiB
  ASSERT_TRUE(client_->SetFileProperties("src", "big.bin", {}, data.size() + tail.size()).ok());
  Put("big.bin", data.size(), tail);
  data += tail;
  check("grown", tail.size());

  data.resize(data.size() - (5 << 20));  // shrinks by 5 MiB: nothing to read
  ASSERT_TRUE(client_->SetFileProperties("src", "big.bin", {}, data.size()).ok());
  check("shrunk", 0);
}

// The small-file read-ahead (fast path) and one request per worker (slow path) record
// the same snapshot, to the tree id, for a share with every kind of metadata the
// emulator keeps.
TEST_F(AzureBackupTest, ReadAheadAndWorkerReadsRecordTheSameSnapshot) {
  FillWithEveryMetadataKind();
  ReadAheadOptions off;
  off.window = 0;
  auto slow = Backup(/*force=*/true, kShareSnapshotSweepMinAge, off);
  ASSERT_TRUE(slow.ok()) << slow.status().ToString();
  auto fast = Backup(/*force=*/true);
  ASSERT_TRUE(fast.ok()) << fast.status().ToString();
  EXPECT_EQ(slow->source.read_ahead.hits, 0u);
  // 36 non-empty small files and the 1 MiB one; which of them a worker asks for before
  // its read started (and then reads itself) depends on timing, so only "some" is sure.
  EXPECT_EQ(fast->source.read_ahead.announced, 37u);
  EXPECT_GE(fast->source.read_ahead.hits, 1u) << "the fast path was not taken";
  EXPECT_EQ(fast->backup.snapshot.stats.files_read, 43u);
  EXPECT_EQ(slow->backup.snapshot.stats.files_read, 43u);
  EXPECT_TRUE(fast->backup.warnings.empty());
  EXPECT_EQ(fast->backup.snapshot.tree, slow->backup.snapshot.tree);
}

// Parent trees loaded ahead of the walker (tree_prefetcher.h, the fast path) and by the
// walker itself (the slow path) record the same snapshot, to the tree id: for the whole
// share and for a scan's part (units named as paths, one of them below a directory that
// is not itself backed up), unchanged and after changes in a unit, on a share with every
// kind of metadata the emulator keeps.
TEST_F(AzureBackupTest, PrefetchedAndWalkerLoadedParentTreesRecordTheSameSnapshot) {
  FillWithEveryMetadataKind();
  for (const char* dir : {"e", "e/x", "e/x/y", "e/x/y/z", "e/w"}) {
    ASSERT_TRUE(client_->CreateDirectory("src", dir, {}, {{"dir", dir}}).ok());
    for (int i = 0; i < 3; ++i) {
      std::string path = std::string(dir) + "/g" + std::to_string(i);
      ASSERT_TRUE(client_->CreateFile("src", path, 3).ok());
      Put(path, 0, "abc");
    }
  }
  AzureFilesSource source(client_.get(), "devstoreaccount1", {"src", ""});
  auto backup = [&](const std::vector<std::string>& paths, int prefetch_threads,
                    const std::string& parent) -> Result<BackupResult> {
    BackupOptions options;
    options.hostname = "test";
    options.threads = 4;
    options.paths = paths;
    options.parent = parent;
    options.tree_prefetch_threads = prefetch_threads;
    return RunBackup(*repo_, source, options);
  };
  for (const std::vector<std::string>& paths : std::vector<std::vector<std::string>>{{"/"}, {"/d", "/e/x"}}) {
    SCOPED_TRACE(paths.size() == 1 ? "whole share" : "units");
    auto first = backup(paths, 0, "");
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    std::string parent = first->snapshot.id.Hex();
    auto slow = backup(paths, 0, parent);
    auto fast = backup(paths, 4, parent);
    ASSERT_TRUE(slow.ok() && fast.ok());
    EXPECT_EQ(slow->tree_prefetch.taken, 0u);
    EXPECT_GE(fast->tree_prefetch.taken, 4u);  // the units' parents and their subdirectories
    // Which trees a worker loads before the walker asks depends on timing; with four
    // workers and a request per listing in between, at least one is sure.
    EXPECT_GE(fast->tree_prefetch.hits, 1u) << "the fast path was not taken";
    EXPECT_EQ(fast->snapshot.stats.files_read, 0u);
    EXPECT_EQ(fast->snapshot.tree, slow->snapshot.tree);
    EXPECT_EQ(fast->snapshot.tree, first->snapshot.tree);

    // A changed file deep in a unit, a new directory, a removed file: new trees on the way.
    std::string changed = "e/x/y/z/g" + std::to_string(paths.size());
    ASSERT_TRUE(client_->SetFileProperties("src", changed, {}, 5).ok());
    Put(changed, 0, "fghij");
    std::string added = "e/x/new" + std::to_string(paths.size());
    ASSERT_TRUE(client_->CreateDirectory("src", added).ok());
    Status deleted =
        client_->DeleteFile("src", "d/f" + std::to_string(2 * paths.size() + 3));  // f5, f7: hidden
    ASSERT_TRUE(deleted.ok()) << deleted.ToString();
    slow = backup(paths, 0, parent);
    fast = backup(paths, 4, parent);
    ASSERT_TRUE(slow.ok() && fast.ok());
    EXPECT_EQ(fast->snapshot.stats.files_read, 1u);
    EXPECT_EQ(fast->snapshot.tree, slow->snapshot.tree);
    EXPECT_NE(fast->snapshot.tree, first->snapshot.tree);
  }
}

// A scan's part with many units in one directory Stats them from one listing of that
// directory (AzureFilesSource::WillStatIn) instead of a Get Properties each, and records
// the same snapshot, to the tree id, as with a Get Properties each: unchanged, and after
// changes in the units and of a unit's own metadata, with the directory's own files
// backed up too (a shallow unit, listed once for both).
TEST_F(AzureBackupTest, UnitsStatedFromTheirParentsListingRecordTheSameSnapshot) {
  FillWithEveryMetadataKind();
  auto file = [&](const std::string& path, const std::string& data) {
    ASSERT_TRUE(client_->CreateFile("src", path, data.size()).ok());
    Put(path, 0, data);
  };
  std::vector<std::string> units = {"/d", "/e/x"};
  for (const char* dir : {"e", "e/x", "u0", "u1", "u2", "u3", "u4"}) {
    ASSERT_TRUE(client_->CreateDirectory("src", dir, {}, {{"dir", dir}}).ok());
    file(std::string(dir) + "/g0", "abc");
    file(std::string(dir) + "/g1", "defg");
    if (dir[0] == 'u') units.push_back("/" + std::string(dir));
  }
  file("top", "xyz");
  struct Run {
    Result<BackupResult> backup;
    AzureSourceStats source;
  };
  auto backup = [&](bool from_listings, const std::string& parent) {
    PrefetchOptions prefetch;
    prefetch.stats_from_listings = from_listings;
    AzureFilesSource source(client_.get(), "devstoreaccount1", {"src", ""}, prefetch);
    BackupOptions options;
    options.hostname = "test";
    options.threads = 4;
    options.paths = units;
    options.shallow_paths = {"/"};
    options.parent = parent;
    Result<BackupResult> result = RunBackup(*repo_, source, options);
    return Run{std::move(result), source.stats()};
  };
  Run first = backup(true, "");  // no parent snapshot: no directory size to judge by
  ASSERT_TRUE(first.backup.ok()) << first.backup.status().ToString();
  EXPECT_EQ(first.source.stats_from_listings, 0u);
  std::string parent = first.backup->snapshot.id.Hex();

  Run slow = backup(false, parent);
  Run fast = backup(true, parent);
  ASSERT_TRUE(slow.backup.ok() && fast.backup.ok());
  // d, e and u0-u4 from the root's listing; e/x by Get Properties (alone in e).
  EXPECT_EQ(fast.source.stats_from_listings, 7u);
  EXPECT_EQ(slow.source.stats_from_listings, 0u);
  EXPECT_EQ(slow.source.prefetch.properties, 8u);
  EXPECT_EQ(fast.source.prefetch.properties, 1u);
  EXPECT_EQ(fast.backup->snapshot.stats.files_read, 0u);
  EXPECT_EQ(fast.backup->snapshot.tree, slow.backup->snapshot.tree);
  EXPECT_EQ(fast.backup->snapshot.tree, first.backup->snapshot.tree);

  ASSERT_TRUE(client_->SetFileProperties("src", "u1/g0", {}, 5).ok());
  Put("u1/g0", 0, "hijkl");
  ASSERT_TRUE(client_->CreateDirectory("src", "u2/new").ok());
  ASSERT_TRUE(client_->DeleteFile("src", "u3/g1").ok());
  azure::SmbProperties touched;  // a unit's own properties: its Stat differs from the parent's
  touched.last_write_time = *azure::ParseSmbTime("2003-02-03T04:05:06.1234567Z");
  ASSERT_TRUE(client_->SetDirectoryProperties("src", "u4", touched).ok());
  ASSERT_TRUE(client_->SetDirectoryMetadata("src", "u4", {{"dir", "changed"}}).ok());
  ASSERT_TRUE(client_->SetFileProperties("src", "top", {}, 4).ok());
  Put("top", 0, "uvwx");
  slow = backup(false, parent);
  fast = backup(true, parent);
  ASSERT_TRUE(slow.backup.ok() && fast.backup.ok());
  EXPECT_EQ(fast.source.stats_from_listings, 7u);
  // Changed directories (u4 at least) still fetch their metadata; only the Stats are saved.
  EXPECT_EQ(fast.source.prefetch.properties + 7, slow.source.prefetch.properties);
  EXPECT_GE(fast.source.prefetch.properties, 2u);  // e/x's Stat, u4's metadata (LoadExtended)
  EXPECT_EQ(fast.backup->snapshot.stats.files_read, 2u);
  EXPECT_EQ(slow.backup->snapshot.stats.files_read, 2u);
  EXPECT_EQ(fast.backup->snapshot.tree, slow.backup->snapshot.tree);
  EXPECT_NE(fast.backup->snapshot.tree, first.backup->snapshot.tree);
}

TEST_F(AzureBackupTest, RestoresSmbPropertiesToAnotherShare) {
  azure::SmbProperties smb;
  smb.attributes = azure::kAttrReadOnly | azure::kAttrHidden;
  smb.creation_time = *azure::ParseSmbTime("2001-02-03T04:05:06.1234567Z");
  smb.last_write_time = *azure::ParseSmbTime("2002-02-03T04:05:06.7654321Z");
  smb.change_time = *azure::ParseSmbTime("2003-02-03T04:05:06.0000001Z");
  smb.permission = "O:BAG:SYD:(A;;FA;;;BA)";
  ASSERT_TRUE(client_->CreateDirectory("src", "d", {}, {{"where", "dir"}}).ok());
  ASSERT_TRUE(client_->CreateFile("src", "d/f", 5, {}, {{"Mixed", "Case"}}).ok());
  Put("d/f", 0, "hello");
  ASSERT_TRUE(client_->SetFileProperties("src", "d/f", smb).ok());
  auto r = Backup();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(Restore(r->backup.snapshot).ok());
  auto before = client_->GetFileProperties({"src", ""}, "d/f");
  auto after = client_->GetFileProperties({"dst", ""}, "d/f");
  ASSERT_TRUE(before.ok() && after.ok());
  EXPECT_EQ(after->attributes, before->attributes);
  EXPECT_EQ(after->creation_time, before->creation_time);
  EXPECT_EQ(after->last_write_time, before->last_write_time);
  EXPECT_EQ(after->change_time, before->change_time);
  EXPECT_EQ(after->metadata, before->metadata);
  EXPECT_EQ(*client_->GetPermission("dst", after->permission_key),
            *client_->GetPermission("src", before->permission_key));
  EXPECT_EQ(ReadAll("dst", "d/f"), "hello");
  EXPECT_EQ(client_->GetDirectoryProperties({"dst", ""}, "d")->metadata, (azure::Metadata{{"where", "dir"}}));
}

}  // namespace
}  // namespace arbor
