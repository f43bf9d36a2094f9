#include "repo/blob_index.h"

#include <gtest/gtest.h>

#include "store/open_store.h"
#include "support/temp_dir.h"

namespace arbor {
namespace {

FinishedPack FakePack(const std::string& name,
                      const std::vector<std::pair<format::BlobType, Digest>>& blobs) {
  FinishedPack p;
  p.id = Sha256Of(name);
  uint32_t off = 512;
  for (const auto& [type, id] : blobs) {
    p.records.push_back({type, id, off, 10, 20});
    off += 1024;
  }
  return p;
}

TEST(BlobIndexTest, ReserveDedupsAcrossThreadsAndSessions) {
  auto store = std::move(OpenObjectStore(testing::MakeTempDir("arbor-bi"), true)).value();
  auto index = std::move(BlobIndex::Load(store.get(), "t/s/")).value();
  Digest a = Sha256Of("a");
  EXPECT_TRUE(*index->Reserve(a));
  EXPECT_FALSE(*index->Reserve(a)) << "in flight";
  ASSERT_TRUE(index->AddPack(FakePack("p1", {{format::BlobType::kData, a}})).ok());
  EXPECT_FALSE(*index->Reserve(a)) << "pending";
  EXPECT_TRUE(index->Find(a)->has_value());
  ASSERT_TRUE(index->Flush().ok());

  auto reopened = std::move(BlobIndex::Load(store.get(), "t/s/")).value();
  EXPECT_FALSE(*reopened->Reserve(a)) << "committed";
  EXPECT_EQ((*reopened->Find(a))->pack, Sha256Of("p1"));
  Digest b = Sha256Of("b");
  EXPECT_TRUE(*reopened->Reserve(b));
  reopened->Release(b);
  EXPECT_TRUE(*reopened->Reserve(b)) << "released reservations can be taken again";
}

TEST(BlobIndexTest, CheckpointsWriteDataButHoldTreesUntilFlush) {
  auto store = std::move(OpenObjectStore(testing::MakeTempDir("arbor-bi"), true)).value();
  auto index = std::move(BlobIndex::Load(store.get(), "t/s/")).value();
  Digest tree = Sha256Of("tree");
  ASSERT_TRUE(index->AddPack(FakePack("trees", {{format::BlobType::kTree, tree}})).ok());
  std::vector<std::pair<format::BlobType, Digest>> data;
  for (size_t i = 0; i < BlobIndex::kCheckpointRecords; ++i) {
    data.emplace_back(format::BlobType::kData, Sha256Of("d" + std::to_string(i)));
  }
  ASSERT_TRUE(index->AddPack(FakePack("data", data)).ok());
  // A crash now: a fresh reader sees the data but not the tree.
  auto crashed = std::move(BlobIndex::Load(store.get(), "t/s/")).value();
  EXPECT_TRUE(crashed->Find(data[5].second)->has_value());
  EXPECT_FALSE(crashed->Find(tree)->has_value());
  ASSERT_TRUE(index->Flush().ok());
  auto after = std::move(BlobIndex::Load(store.get(), "t/s/")).value();
  EXPECT_TRUE(after->Find(tree)->has_value());
  EXPECT_EQ(after->SegmentRecordCount(), BlobIndex::kCheckpointRecords + 1);
}

}  // namespace
}  // namespace arbor
