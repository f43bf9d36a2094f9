#include "repo/repository.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "base/file_util.h"
#include "base/hex.h"
#include "repo/key_store.h"
#include "store/forwarding_store.h"
#include "store/open_store.h"
#include "support/temp_dir.h"
#include "support/test_keys.h"

namespace arbor {
namespace {

class RepositoryTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::MakeTempDir("arbor-repo"); }
  void TearDown() override { (void)RemoveAll(dir_); }
  std::unique_ptr<ObjectStore> Store() { return std::move(OpenObjectStore(dir_, true)).value(); }
  std::unique_ptr<Repository> Init() {
    auto r = Repository::Init(Store(), "default", "default", RepoConfig::NewRandom());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return std::move(r).value();
  }
  std::string dir_;
};

TEST_F(RepositoryTest, StoresDedupsAndReadsBlobsAcrossReopen) {
  auto repo = Init();
  std::string big(3 << 20, 'q');
  EXPECT_TRUE(*repo->StoreBlob(format::BlobType::kData, Sha256Of(big), big));
  EXPECT_FALSE(*repo->StoreBlob(format::BlobType::kData, Sha256Of(big), big));
  Node n;
  n.name = "f";
  n.content = {Sha256Of(big)};
  auto tree = repo->StoreTree({n});
  ASSERT_TRUE(tree.ok());
  ASSERT_TRUE(repo->Flush().ok());
  EXPECT_EQ(repo->counters().packs_written.load(), 2U);

  auto reopened = Repository::Open(Store(), "default", "default");
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(*(*reopened)->LoadBlob(Sha256Of(big)), big);
  auto nodes = (*reopened)->LoadTree(*tree);
  ASSERT_TRUE(nodes.ok());
  EXPECT_EQ(nodes->front().content.front(), Sha256Of(big));
  EXPECT_TRUE((*reopened)->LoadBlob(Sha256Of("missing")).status().Is(StatusCode::kNotFound));
}

// Records which keys were written cold (PutOptions), for the tiering contract.
class ColdKeyRecorder : public ForwardingStore {
 public:
  ColdKeyRecorder(std::unique_ptr<ObjectStore> inner, std::map<std::string, bool>* cold)
      : ForwardingStore(std::move(inner)), cold_(cold) {}
  Status Put(std::string_view key, std::string_view data, const PutOptions& options = {}) override {
    (*cold_)[std::string(key)] = options.cold;
    return inner().Put(key, data, options);
  }
  Status PutFile(std::string_view key, const std::string& path, const PutOptions& options = {}) override {
    (*cold_)[std::string(key)] = options.cold;
    return inner().PutFile(key, path, options);
  }

 private:
  std::map<std::string, bool>* cold_;
};

TEST_F(RepositoryTest, OnlyDataPacksAreWrittenColdSoPlanningARestoreReadsOnlyHotObjects) {
  std::map<std::string, bool> cold;
  auto repo = Repository::Init(std::make_unique<ColdKeyRecorder>(Store(), &cold), "default", "default",
                               RepoConfig::NewRandom());
  ASSERT_TRUE(repo.ok()) << repo.status().ToString();
  std::string data(1 << 20, 'd');
  ASSERT_TRUE((*repo)->StoreBlob(format::BlobType::kData, Sha256Of(data), data).ok());
  Node n;
  n.name = "f";
  n.content = {Sha256Of(data)};
  auto tree = (*repo)->StoreTree({n});
  ASSERT_TRUE(tree.ok());
  ASSERT_TRUE((*repo)->Flush().ok());
  Snapshot s;
  s.tree = *tree;
  ASSERT_TRUE((*repo)->SaveSnapshot(&s).ok());
  auto loc = (*repo)->index().Find(Sha256Of(data));
  auto tree_loc = (*repo)->index().Find(*tree);
  ASSERT_TRUE(loc.ok() && *loc && tree_loc.ok() && *tree_loc);
  const std::string data_pack = format::PackKey((*repo)->prefix(), (*loc)->pack);
  const std::string tree_pack = format::PackKey((*repo)->prefix(), (*tree_loc)->pack);
  ASSERT_NE(data_pack, tree_pack);
  for (const auto& [key, was_cold] : cold) EXPECT_EQ(was_cold, key == data_pack) << key;
  EXPECT_EQ(cold.count(tree_pack), 1U);
  EXPECT_GE(cold.size(), 4U) << "config, two packs, an index segment, a snapshot";
}

TEST_F(RepositoryTest, SnapshotsListFindByPrefixAndLatest) {
  auto repo = Init();
  Snapshot a, b;
  a.time_ns = 100;
  a.paths = {"/a"};
  b.time_ns = 200;
  b.paths = {"/b"};
  ASSERT_TRUE(repo->SaveSnapshot(&a).ok());
  ASSERT_TRUE(repo->SaveSnapshot(&b).ok());
  EXPECT_EQ(repo->FindSnapshot("latest")->id, b.id);
  EXPECT_EQ(repo->FindSnapshot(a.id.Hex().substr(0, 8))->paths, std::vector<std::string>{"/a"});
  EXPECT_TRUE(repo->FindSnapshot("zzzz").status().Is(StatusCode::kNotFound));
  EXPECT_TRUE(repo->FindSnapshot("").status().Is(StatusCode::kNotFound));
  ASSERT_TRUE(repo->DeleteSnapshot(b.id).ok());
  EXPECT_EQ(repo->FindSnapshot("latest")->id, a.id);
}

// Listing again reads only the snapshot objects that are new, from any Repository object
// of the same repository in this process (repo/snapshot_memo.h), and lists exactly what
// reading every object lists: a deleted snapshot gone, a new one there, tags as saved.
TEST_F(RepositoryTest, ListingSnapshotsAgainReadsOnlyNewObjectsAndListsTheSame) {
  auto repo = Init();
  std::vector<Snapshot> saved(4);
  for (size_t i = 0; i < saved.size(); ++i) {
    saved[i].time_ns = static_cast<int64_t>(100 * (i + 1));
    saved[i].paths = {"/p"};
    saved[i].tags = {"arbor-job:" + std::to_string(i)};
  }
  for (size_t i = 0; i < 3; ++i) ASSERT_TRUE(repo->SaveSnapshot(&saved[i]).ok());
  ASSERT_EQ(repo->ListSnapshots()->size(), 3u);
  EXPECT_EQ(repo->counters().snapshots_read.load(), 3u);
  ASSERT_EQ(repo->ListSnapshots()->size(), 3u);
  EXPECT_EQ(repo->counters().snapshots_read.load(), 3u) << "the second listing read objects again";

  ASSERT_TRUE(repo->SaveSnapshot(&saved[3]).ok());
  ASSERT_TRUE(repo->DeleteSnapshot(saved[1].id).ok());
  auto other = Repository::Open(Store(), "default", "default");
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  auto memo = (*other)->ListSnapshots();
  ASSERT_TRUE(memo.ok());
  EXPECT_EQ((*other)->counters().snapshots_read.load(), 1u) << "only the new snapshot is read";
  std::vector<DamagedObject> damaged;
  auto full = (*other)->ListSnapshots(&damaged);  // every object read
  ASSERT_TRUE(full.ok());
  EXPECT_EQ((*other)->counters().snapshots_read.load(), 4u);
  EXPECT_TRUE(damaged.empty());
  ASSERT_EQ(memo->size(), full->size());
  for (size_t i = 0; i < full->size(); ++i) {
    EXPECT_EQ((*memo)[i].id, (*full)[i].id);
    EXPECT_EQ((*memo)[i].tags, (*full)[i].tags);
    EXPECT_EQ((*memo)[i].time_ns, (*full)[i].time_ns);
    EXPECT_EQ((*memo)[i].paths, (*full)[i].paths);
  }
  std::vector<Digest> ids;
  ids.reserve(memo->size());
  for (const auto& s : *memo) ids.push_back(s.id);
  EXPECT_EQ(ids, (std::vector<Digest>{saved[0].id, saved[2].id, saved[3].id}));
}

// Counts the index segments read (SegmentReader::Open stats each one first).
class SegmentReadCounter : public ForwardingStore {
 public:
  SegmentReadCounter(std::unique_ptr<ObjectStore> inner, int* reads)
      : ForwardingStore(std::move(inner)), reads_(reads) {}
  Result<ObjectInfo> Stat(std::string_view key) override {
    if (key.find("/index/") != std::string_view::npos) ++*reads_;
    return inner().Stat(key);
  }

 private:
  int* reads_;
};

// Taking a lock re-reads the index, but only the segments that are new since the open:
// those read before are named by their hash and kept. What another writer added is
// found, what it did not touch is still found, exactly as after a full read.
TEST_F(RepositoryTest, ALockReadsOnlyTheIndexSegmentsNewSinceTheOpen) {
  auto writer = Init();
  std::string a = "blob a", b = "blob b";
  ASSERT_TRUE(writer->StoreBlob(format::BlobType::kData, Sha256Of(a), a).ok());
  ASSERT_TRUE(writer->Flush().ok());
  int reads = 0;
  auto repo = Repository::Open(std::make_unique<SegmentReadCounter>(Store(), &reads), "default", "default");
  ASSERT_TRUE(repo.ok()) << repo.status().ToString();
  EXPECT_EQ(reads, 1);
  {
    auto lock = (*repo)->Lock(LockKind::kShared, std::chrono::seconds(5));
    ASSERT_TRUE(lock.ok()) << lock.status().ToString();
  }
  EXPECT_EQ(reads, 1) << "the lock read a segment the open had read";
  ASSERT_TRUE(writer->StoreBlob(format::BlobType::kData, Sha256Of(b), b).ok());
  ASSERT_TRUE(writer->Flush().ok());
  EXPECT_TRUE((*repo)->LoadBlob(Sha256Of(b)).status().Is(StatusCode::kNotFound));
  {
    auto lock = (*repo)->Lock(LockKind::kShared, std::chrono::seconds(5));
    ASSERT_TRUE(lock.ok()) << lock.status().ToString();
  }
  EXPECT_EQ(reads, 2) << "only the new segment is read";
  EXPECT_EQ(*(*repo)->LoadBlob(Sha256Of(a)), a);
  EXPECT_EQ(*(*repo)->LoadBlob(Sha256Of(b)), b);
  auto have = (*repo)->index().SegmentKeys(), want = writer->index().SegmentKeys();
  std::sort(have.begin(), have.end());
  std::sort(want.begin(), want.end());
  EXPECT_EQ(have, want);
}

TEST_F(RepositoryTest, MissingAndCorruptConfigAreDistinguished) {
  EXPECT_TRUE(Repository::Open(Store(), "default", "default").status().Is(StatusCode::kNotFound));
  Init();
  EXPECT_TRUE(Repository::Init(Store(), "default", "default", RepoConfig::NewRandom())
                  .status()
                  .Is(StatusCode::kAlreadyExists));
  ASSERT_TRUE(WriteFileAtomic(dir_ + "/default/default/config", "ARBORCFG\x01\0\0\0{broken").ok());
  EXPECT_TRUE(Repository::Open(Store(), "default", "default").status().Is(StatusCode::kCorruption));
}

TEST_F(RepositoryTest, TenantsAndSharesAreSeparateNamespaces) {
  auto a = Repository::Init(Store(), "tenant-a", "share1", RepoConfig::NewRandom());
  auto b = Repository::Init(Store(), "tenant-b", "share1", RepoConfig::NewRandom());
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE((*a)->StoreBlob(format::BlobType::kData, Sha256Of("secret"), "secret").ok());
  ASSERT_TRUE((*a)->Flush().ok());
  EXPECT_TRUE((*b)->LoadBlob(Sha256Of("secret")).status().Is(StatusCode::kNotFound));
  EXPECT_TRUE(*(*b)->StoreBlob(format::BlobType::kData, Sha256Of("secret"), "secret"))
      << "no dedup across tenants";
}

TEST_F(RepositoryTest, ExclusiveLockExcludesSharedAndDeadOwnersAreStale) {
  auto repo = Init();
  auto shared1 = repo->Lock(LockKind::kShared, std::chrono::seconds(0));
  auto shared2 = repo->Lock(LockKind::kShared, std::chrono::seconds(0));
  ASSERT_TRUE(shared1.ok() && shared2.ok());
  EXPECT_TRUE(repo->Lock(LockKind::kExclusive, std::chrono::seconds(0)).status().Is(StatusCode::kBusy));
  shared1->reset();
  shared2->reset();
  auto exclusive = repo->Lock(LockKind::kExclusive, std::chrono::seconds(0));
  ASSERT_TRUE(exclusive.ok());
  EXPECT_TRUE(repo->Lock(LockKind::kShared, std::chrono::seconds(0)).status().Is(StatusCode::kBusy));
  exclusive->reset();
  // A lock left by a process that no longer exists (pid far beyond pid_max).
  ASSERT_TRUE(repo->store()
                  ->Put(
                      "default/default/locks/dead",
                      format::Header(format::kLockMagic, 1) + R"({"kind":"exclusive","host":")" +
                          [] {
                            char h[256] = {};
                            gethostname(h, 255);
                            return std::string(h);
                          }() +
                          R"(","pid":99999999,"refreshed_ns":9000000000000000000})")
                  .ok());
  EXPECT_TRUE(repo->Lock(LockKind::kShared, std::chrono::seconds(0)).ok());
}

using testing::FastKdf;
crypto::Credential Pass(std::string s) { return testing::Passphrase(std::move(s)); }

class EncryptedRepositoryTest : public RepositoryTest {
 protected:
  std::unique_ptr<Repository> InitEncrypted(const std::string& tenant = "default") {
    crypto::Credential pass = Pass("correct horse");
    auto r = Repository::Init(Store(), tenant, "default", RepoConfig::NewRandom(), &pass, FastKdf());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return std::move(r).value();
  }
  Result<std::unique_ptr<Repository>> OpenWith(const std::string& password) {
    crypto::Credential pass = Pass(password);
    return Repository::Open(Store(), "default", "default", &pass);
  }
  // Stores `plain` as the content of one file `name` and a snapshot of it with `paths`.
  Snapshot StoreFileSnapshot(Repository* repo, const std::string& plain, const std::string& name,
                             std::vector<std::string> paths) {
    Digest id = repo->BlobId(plain);
    EXPECT_TRUE(repo->StoreBlob(format::BlobType::kData, id, plain).ok());
    Node n;
    n.name = name;
    n.content = {id};
    auto tree = repo->StoreTree({n});
    EXPECT_TRUE(tree.ok());
    EXPECT_TRUE(repo->Flush().ok());
    Snapshot snap;
    snap.tree = tree.ok() ? *tree : Digest();
    snap.time_ns = 5;
    snap.paths = std::move(paths);
    EXPECT_TRUE(repo->SaveSnapshot(&snap).ok());
    return snap;
  }
  // Every file of the store, whole.
  std::vector<std::pair<std::string, std::string>> AllObjects() {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir_)) {
      if (e.is_regular_file()) out.emplace_back(e.path().string(), ReadWholeFile(e.path().string()).value());
    }
    return out;
  }
};

// Blobs, trees, snapshots, index and locks written and read back through the
// encryption layer, after a reopen with the password.
TEST_F(EncryptedRepositoryTest, StoresAndReadsEverythingAfterReopenWithThePassword) {
  auto repo = InitEncrypted();
  EXPECT_NE(repo->cipher(), nullptr);
  std::string big(3 << 20, 'q');
  Digest id = repo->BlobId(big);
  EXPECT_NE(id, Sha256Of(big));
  Snapshot snap = StoreFileSnapshot(repo.get(), big, "f", {"/data"});
  EXPECT_FALSE(*repo->StoreBlob(format::BlobType::kData, id, big));  // dedup by keyed id

  auto reopened = OpenWith("correct horse");
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ((*reopened)->config().id, repo->config().id);
  EXPECT_EQ((*reopened)->config().chunker.seed, repo->config().chunker.seed);
  EXPECT_EQ(*(*reopened)->LoadBlob(id), big);
  EXPECT_EQ((*reopened)->LoadTree(snap.tree)->front().content.front(), id);
  auto latest = (*reopened)->FindSnapshot("latest");
  ASSERT_TRUE(latest.ok()) << latest.status().ToString();
  EXPECT_EQ(latest->id, snap.id);
  EXPECT_EQ(latest->paths, std::vector<std::string>{"/data"});
}

TEST_F(EncryptedRepositoryTest, WrongMissingOrEmptyPasswordIsRefusedAndWritesNothing) {
  InitEncrypted();
  auto before = AllObjects();
  EXPECT_TRUE(OpenWith("wrong").status().Is(StatusCode::kPermissionDenied));
  EXPECT_TRUE(OpenWith("").status().Is(StatusCode::kInvalidArgument));
  auto none = Repository::Open(Store(), "default", "default");
  EXPECT_TRUE(none.status().Is(StatusCode::kPermissionDenied)) << none.status().ToString();
  EXPECT_NE(none.status().message().find("encrypted"), std::string::npos);
  EXPECT_EQ(AllObjects(), before);
}

TEST_F(EncryptedRepositoryTest, ACorruptOrTruncatedConfigIsAClearError) {
  InitEncrypted();
  std::string config_path = dir_ + "/default/default/config";
  std::string config = ReadWholeFile(config_path).value();
  ASSERT_TRUE(WriteFileAtomic(config_path, config.substr(0, config.size() - 5)).ok());
  auto r = OpenWith("correct horse");
  EXPECT_TRUE(r.status().Is(StatusCode::kCorruption)) << r.status().ToString();
  // Replacing the encrypted config by an unencrypted one is a downgrade, refused.
  ASSERT_TRUE(WriteFileAtomic(config_path, RepoConfig::NewRandom().Encode()).ok());
  auto downgraded = Repository::Open(Store(), "default", "default");
  EXPECT_TRUE(downgraded.status().Is(StatusCode::kCorruption)) << downgraded.status().ToString();
}

// The issue's known-plaintext test at the repository level: a distinctive 1 MiB pattern
// and a distinctive name are nowhere in the store, nor the file's SHA-256.
TEST_F(EncryptedRepositoryTest, NoObjectHoldsKnownPlaintextNamesOrHashes) {
  auto repo = InitEncrypted();
  std::string pattern;
  while (pattern.size() < (1 << 20))
    pattern += "ARBOR-KNOWN-PLAINTEXT-" + std::to_string(pattern.size()) + ";";
  pattern.resize(1 << 20);
  StoreFileSnapshot(repo.get(), pattern, "distinctive-file-name-4711.txt", {"/distinctive-directory-0815"});
  auto lock = repo->Lock(LockKind::kShared, std::chrono::seconds(0));
  ASSERT_TRUE(lock.ok());

  Digest sha = Sha256Of(pattern);
  auto objects = AllObjects();
  EXPECT_GE(objects.size(), 6u);  // key, config, 2 packs, index segment, snapshot, lock
  for (const auto& [path, bytes] : objects) {
    EXPECT_EQ(bytes.find("ARBOR-KNOWN-PLAINTEXT"), std::string::npos) << path;
    EXPECT_EQ(bytes.find("distinctive-file-name-4711"), std::string::npos) << path;
    EXPECT_EQ(bytes.find("distinctive-directory-0815"), std::string::npos) << path;
    EXPECT_EQ(bytes.find(sha.view()), std::string::npos) << path;
    EXPECT_EQ(bytes.find(sha.Hex()), std::string::npos) << path;
    EXPECT_EQ(path.find(sha.Hex()), std::string::npos) << path;
  }
}

TEST_F(EncryptedRepositoryTest, LocksAreSealedAndStillExcludeEachOther) {
  auto repo = InitEncrypted();
  auto shared = repo->Lock(LockKind::kShared, std::chrono::seconds(0));
  ASSERT_TRUE(shared.ok());
  // If the sealed lock could not be read it would count as stale and not exclude.
  EXPECT_TRUE(repo->Lock(LockKind::kExclusive, std::chrono::seconds(0)).status().Is(StatusCode::kBusy));
  for (const auto& [path, bytes] : AllObjects()) {
    if (path.find("/locks/") == std::string::npos) continue;
    EXPECT_EQ(bytes.substr(0, 12), format::Header(format::kLockMagic, 2));
    EXPECT_EQ(bytes.find("refreshed_ns"), std::string::npos);
  }
}

TEST_F(EncryptedRepositoryTest, TwoTenantsGetDifferentIdsAndCannotReadEachOther) {
  auto a = InitEncrypted("tenant-a");
  auto b = InitEncrypted("tenant-b");  // even with the same password
  EXPECT_NE(a->BlobId("the same file"), b->BlobId("the same file"));
  Digest id = a->BlobId("the same file");
  ASSERT_TRUE(a->StoreBlob(format::BlobType::kData, id, "the same file").ok());
  ASSERT_TRUE(a->Flush().ok());
  // b's keys do not open a's pack members, even when told exactly where they are.
  auto loc = a->index().Find(id);
  ASSERT_TRUE(loc.ok() && loc->has_value());
  auto stored = a->store()->Get(format::PackKey(a->prefix(), (*loc)->pack), (*loc)->offset, (*loc)->length);
  ASSERT_TRUE(stored.ok());
  EXPECT_FALSE(b->cipher()->DecodeBlob(format::BlobType::kData, id, *stored, (*loc)->raw_length).ok());
}

// An init killed after its key object but before its config leaves a key that no data
// depends on; the rerun removes it, so only the new key set opens the namespace.
TEST_F(EncryptedRepositoryTest, AnInitKilledBeforeItsConfigIsRedoneCleanly) {
  auto store = Store();
  crypto::MasterKeySet orphan = crypto::MasterKeySet::Generate();
  auto key = NewKeyObject(orphan, Pass("correct horse"), FastKdf());
  ASSERT_TRUE(AddKeyObject(store.get(), "default/default/", *key).ok());
  auto repo = InitEncrypted();
  EXPECT_EQ(ListKeyObjects(repo->store(), repo->prefix())->size(), 1u);
  EXPECT_TRUE(OpenWith("correct horse").ok());
}

}  // namespace
}  // namespace arbor
