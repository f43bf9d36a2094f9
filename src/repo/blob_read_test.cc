// How many blob-sized buffers Repository::LoadBlob (and StoreBlob) allocate: the
// restore's read path reads every blob through it, and each extra buffer is an allocation, its page faults
// and a copy of the blob. An encrypted 2.2 GB restore took twice the plain one while
// AES-GCM itself costs ~0.3 s per GB (docs/benchmarks.md): the difference was two such
// buffers per blob. Its own binary because it replaces the global operator new.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "base/file_util.h"
#include "repo/repository.h"
#include "store/open_store.h"
#include "support/random_bytes.h"
#include "support/temp_dir.h"
#include "support/test_keys.h"

namespace {

// Allocations of at least this many bytes are counted while counting is on.
std::atomic<size_t> g_count_from{0};
std::atomic<int> g_large_allocations{0};

}  // namespace

void* operator new(size_t size) {
  size_t from = g_count_from.load(std::memory_order_relaxed);
  if (from != 0 && size >= from) g_large_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
// GCC sees free() in a replaced operator delete as a mismatch with new; here the
// replaced operator new allocates with malloc, so it is the matching call.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace arbor {
namespace {

constexpr size_t kBlobSize = 1 << 20;

// Large allocations made by `fn` (anything of half a blob or more).
template <typename Fn>
int LargeAllocations(Fn fn) {
  g_large_allocations = 0;
  g_count_from = kBlobSize / 2;
  fn();
  g_count_from = 0;
  return g_large_allocations.load();
}

class BlobReadCopiesTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override { dir_ = testing::MakeTempDir("arbor-blob-read"); }
  void TearDown() override { (void)RemoveAll(dir_); }
  bool Encrypted() const { return GetParam(); }
  std::unique_ptr<ObjectStore> Store() { return std::move(OpenObjectStore(dir_, true)).value(); }
  std::unique_ptr<Repository> Init() {
    crypto::Credential pass = testing::Passphrase("correct horse");
    auto r = Repository::Init(Store(), "default", "default", RepoConfig::NewRandom(),
                              Encrypted() ? &pass : nullptr, testing::FastKdf());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return std::move(r).value();
  }
  std::unique_ptr<Repository> Reopen() {
    crypto::Credential pass = testing::Passphrase("correct horse");
    auto r = Repository::Open(Store(), "default", "default", Encrypted() ? &pass : nullptr);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return std::move(r).value();
  }
  // A new repository holding `data` as its one data blob, flushed; returns its id.
  Digest StoreInNewRepository(const std::string& data) {
    auto repo = Init();
    Digest id = repo->BlobId(data);
    EXPECT_TRUE(repo->StoreBlob(format::BlobType::kData, id, data).ok());
    EXPECT_TRUE(repo->Flush().ok());
    return id;
  }
  std::string dir_;
};

TEST_P(BlobReadCopiesTest, LoadingAStoredBlobAllocatesOneBlobSizedBuffer) {
  // Incompressible, so it is stored raw: the case of a large restore of media or disk images.
  std::string data = testing::RandomBytes(7, kBlobSize);
  Digest id = StoreInNewRepository(data);
  auto repo = Reopen();
  Result<std::string> loaded = Status::Ok();
  int allocations = LargeAllocations([&] { loaded = repo->LoadBlob(id); });
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(*loaded, data);
  // The buffer the store reads into is decrypted and unwrapped where it is and returned.
  EXPECT_EQ(allocations, 1);
}

TEST_P(BlobReadCopiesTest, ADamagedBlobIsStillRefusedWhenDecodedInPlace) {
  std::string data = testing::RandomBytes(8, kBlobSize);
  Digest id = StoreInNewRepository(data);
  auto repo = Reopen();
  auto loc = repo->index().Find(id);
  ASSERT_TRUE(loc.ok() && *loc);
  // Flip one byte in the middle of the blob's stored bytes, inside the pack.
  std::string pack_key = format::PackKey(repo->prefix(), (*loc)->pack);
  auto pack = repo->store()->Get(pack_key);
  ASSERT_TRUE(pack.ok());
  (*pack)[(*loc)->offset + (*loc)->length / 2] ^= 0x01;
  ASSERT_TRUE(repo->store()->Put(pack_key, *pack).ok());
  auto loaded = repo->LoadBlob(id);
  ASSERT_FALSE(loaded.ok());
  EXPECT_TRUE(loaded.status().Is(StatusCode::kCorruption)) << loaded.status().ToString();
}

// The write side: sealing a blob stored raw used to copy it into an inner blob first.
TEST(BlobWriteCopiesTest, StoringABlobEncryptedAllocatesNoMoreBlobSizedBuffersThanPlain) {
  std::string data = testing::RandomBytes(9, kBlobSize);
  int counts[2] = {0, 0};
  for (bool encrypted : {false, true}) {
    std::string dir = testing::MakeTempDir("arbor-blob-write");
    crypto::Credential pass = testing::Passphrase("correct horse");
    auto repo = Repository::Init(std::move(OpenObjectStore(dir, true)).value(), "default", "default",
                                 RepoConfig::NewRandom(), encrypted ? &pass : nullptr, testing::FastKdf());
    ASSERT_TRUE(repo.ok()) << repo.status().ToString();
    Digest id = (*repo)->BlobId(data);
    Result<bool> stored = false;
    counts[encrypted] =
        LargeAllocations([&] { stored = (*repo)->StoreBlob(format::BlobType::kData, id, data); });
    ASSERT_TRUE(stored.ok() && *stored);
    ASSERT_TRUE((*repo)->Flush().ok());
    EXPECT_EQ(*(*repo)->LoadBlob(id), data);
    (void)RemoveAll(dir);
  }
  EXPECT_GT(counts[false], 0);
  EXPECT_LE(counts[true], counts[false]) << "plain: " << counts[false] << ", encrypted: " << counts[true];
}

INSTANTIATE_TEST_SUITE_P(EncryptedAndPlain, BlobReadCopiesTest, ::testing::Bool(),
                         [](const auto& p) { return p.param ? "Encrypted" : "Plain"; });

}  // namespace
}  // namespace arbor
