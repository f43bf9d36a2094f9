// ReadRespHeld against a real LMDB environment: it finds every blob and tree record of
// every database (and nothing else: strings, hash fields, the registry) and the store's
// id, and a missing environment is NotFound, which makes prune refuse rather than delete.
#include "resp/held_objects.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "base/file_util.h"
#include "resp/database_registry.h"
#include "resp/keyspace.h"
#include "resp/lmdb_store.h"
#include "support/temp_dir.h"

namespace arbor::resp {
namespace {

Digest Id(char fill) { return Digest::FromBytes(std::string(32, fill)); }

TEST(HeldObjectsTest, ReadsEveryDatabasesBlobsAndTreesOnly) {
  std::string dir = arbor::testing::MakeTempDir("arbor-resp-held");
  std::string store_id;
  {
    auto store = LmdbStore::Open(dir, size_t{1} << 26);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto txn = LmdbTxn::Begin(**store, nullptr, false);
    ASSERT_TRUE(txn.ok());
    Keyspace one(*txn, 1);
    Keyspace two(*txn, 2);
    // The content hash (the key) differs from the repository id (the value): prune needs
    // the repository id.
    ASSERT_TRUE(one.AddBlob(std::string(32, 'a'), BlobEntry{10, std::string(Id('A').view())}).ok());
    ASSERT_TRUE(two.AddBlob(std::string(32, 'b'), BlobEntry{20, std::string(Id('B').view())}).ok());
    ASSERT_TRUE(two.AddTree(Id('T').view()).ok());
    // A 32-byte string key and hash field: not blob records.
    ASSERT_TRUE(one.PutMeta(std::string(32, 'k'), KeyMeta{KeyType::kString, "v"}, true).ok());
    ASSERT_TRUE(one.PutElement(std::string(32, 'h'), "f", "v").ok());
    auto id = DatabaseRegistry(*txn).StoreId();
    ASSERT_TRUE(id.ok());
    store_id = *id;
    EXPECT_EQ(store_id.size(), 32u);
    EXPECT_EQ(*DatabaseRegistry(*txn).StoreId(), store_id);  // made once, then kept
    ASSERT_TRUE(txn->Commit().ok());
  }
  auto held = ReadRespHeld(dir);
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  std::vector<Digest> blobs = held->blobs;
  std::sort(blobs.begin(), blobs.end());
  EXPECT_EQ(blobs, (std::vector<Digest>{Id('A'), Id('B')}));
  EXPECT_EQ(held->trees, std::vector<Digest>{Id('T')});
  EXPECT_EQ(held->store_id, store_id);
  (void)RemoveAll(dir);
}

TEST(HeldObjectsTest, NoEnvironmentIsNotFound) {
  std::string dir = arbor::testing::MakeTempDir("arbor-resp-held");
  auto held = ReadRespHeld(dir + "/none");
  EXPECT_EQ(held.status().code(), StatusCode::kNotFound) << held.status().ToString();
  (void)RemoveAll(dir);
}

}  // namespace
}  // namespace arbor::resp
