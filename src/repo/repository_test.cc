#include "repo/repository.h"

#include <gtest/gtest.h>

#include "base/file_util.h"
#include "store/open_store.h"
#include "support/temp_dir.h"

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

}  // namespace
}  // namespace arbor
