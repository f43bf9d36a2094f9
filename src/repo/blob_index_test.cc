#include "repo/blob_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "crypto/master_key.h"
#include "repo/object_cipher.h"
#include "store/fault_injecting_store.h"
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

// One flush of `per_flush` data blobs in its own pack, as a RESP group commit does.
std::vector<Digest> FlushBlobs(BlobIndex* index, int flush, int per_flush, Status* status = nullptr) {
  std::vector<std::pair<format::BlobType, Digest>> blobs;
  std::vector<Digest> ids;
  for (int i = 0; i < per_flush; ++i) {
    ids.push_back(Sha256Of("f" + std::to_string(flush) + "b" + std::to_string(i)));
    blobs.emplace_back(format::BlobType::kData, ids.back());
  }
  Status st = index->AddPack(FakePack("pack" + std::to_string(flush), blobs));
  if (st.ok()) st = index->Flush();
  if (status != nullptr) {
    *status = st;
  } else {
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
  return ids;
}

std::vector<std::string> SortedKeys(const BlobIndex& index) {
  auto keys = index.SegmentKeys();
  std::sort(keys.begin(), keys.end());
  return keys;
}

// Segments probed per lookup of an absent blob (the costliest: every live segment).
double ProbesPerMiss(const BlobIndex& index) {
  uint64_t before = index.segment_probes();
  constexpr int kLookups = 100;
  for (int i = 0; i < kLookups; ++i)
    EXPECT_FALSE(index.Find(Sha256Of("absent" + std::to_string(i)))->has_value());
  return static_cast<double>(index.segment_probes() - before) / kLookups;
}

// 200 group commits of 5 blobs: without folding, 200 segments and 200 probes per miss.
// With folds of 8 per tier, the live segments are the base-8 digits of 200 (3,1,0): at
// most 7 per tier, and 4 tiers for 1,000 records.
TEST(BlobIndexTest, ManySmallFlushesAreFoldedIntoFewSegments) {
  auto store = std::move(OpenObjectStore(testing::MakeTempDir("arbor-bi"), true)).value();
  auto index = std::move(BlobIndex::Load(store.get(), "t/s/")).value();
  std::vector<Digest> all;
  constexpr size_t kBound = (BlobIndex::kFoldFanIn - 1) * 4;
  for (int f = 0; f < 200; ++f) {
    auto ids = FlushBlobs(index.get(), f, 5);
    all.insert(all.end(), ids.begin(), ids.end());
    ASSERT_LE(index->SegmentKeys().size(), kBound) << "after flush " << f;
  }
  EXPECT_EQ(index->SegmentKeys().size(), 4U) << "200 = 310 in base 8";
  EXPECT_GE(index->folds(), 25U);
  EXPECT_EQ(index->SegmentRecordCount(), 1000U);
  for (const auto& id : all) ASSERT_TRUE(index->Find(id)->has_value());
  EXPECT_LE(ProbesPerMiss(*index), 4.0);

  // Reopened: the folded segments are still in the store but not read.
  size_t stored = 0;
  ASSERT_TRUE(store->List("t/s/index/", [&](const ObjectInfo&) { return ++stored, Status::Ok(); }).ok());
  EXPECT_GT(stored, 200U);
  auto reopened = std::move(BlobIndex::Load(store.get(), "t/s/")).value();
  EXPECT_EQ(SortedKeys(*reopened), SortedKeys(*index));
  EXPECT_EQ(reopened->superseded_skipped(), stored - 4);
  EXPECT_TRUE(reopened->damaged_segments().empty());
  for (const auto& id : all) ASSERT_TRUE(reopened->Find(id)->has_value());
  EXPECT_LE(ProbesPerMiss(*reopened), 4.0);
  // Taking over a previous load (a lock re-reads the index) keeps the same live set.
  auto again = std::move(BlobIndex::Load(store.get(), "t/s/", nullptr, reopened.get())).value();
  EXPECT_EQ(SortedKeys(*again), SortedKeys(*index));

  // Prune and repair replace the index under the exclusive lock: the folded ones go.
  std::vector<IndexEntry> entries;
  ASSERT_TRUE(again
                  ->ForEach([&](const std::string&, const IndexEntry& e) {
                    entries.push_back(e);
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_TRUE(again->ReplaceAll(std::move(entries)).ok());
  stored = 0;
  ASSERT_TRUE(store->List("t/s/index/", [&](const ObjectInfo&) { return ++stored, Status::Ok(); }).ok());
  EXPECT_EQ(stored, 1U);
  auto replaced = std::move(BlobIndex::Load(store.get(), "t/s/")).value();
  for (const auto& id : all) ASSERT_TRUE(replaced->Find(id)->has_value());
}

// The 64th group commit writes its segment and then folds twice (tier 0's eighth
// segment makes tier 1's eighth). A crash at each of those writes, whatever its effect,
// leaves every blob of the first 63 findable after reopening, and those of the 64th as
// soon as its own segment was written. The crashing process wrote all 64 (a process
// folds only its own segments).
TEST(BlobIndexTest, ACrashAtEveryWriteOfAFoldLosesNoBlob) {
  constexpr int kBefore = 63;
  uint64_t first = 0, writes = 0;
  {
    FaultInjectingStore counting(std::move(OpenObjectStore(testing::MakeTempDir("arbor-bi"), true)).value(),
                                 FaultPlan{});
    auto index = std::move(BlobIndex::Load(&counting, "t/s/")).value();
    for (int f = 0; f < kBefore; ++f) FlushBlobs(index.get(), f, 5);
    first = counting.mutations();
    uint64_t folds = index->folds();
    FlushBlobs(index.get(), kBefore, 5);
    writes = counting.mutations() - first;
    EXPECT_EQ(index->folds() - folds, 2U);
  }
  ASSERT_EQ(writes, 3U) << "the segment and two folds";
  for (uint64_t k = 0; k < writes; ++k) {
    for (auto effect : {FaultPlan::Effect::kNotDone, FaultPlan::Effect::kTorn, FaultPlan::Effect::kDone}) {
      SCOPED_TRACE("crash at write " + std::to_string(k) + ", " + std::string(EffectName(effect)));
      auto dir = testing::MakeTempDir("arbor-bi");
      std::vector<Digest> before, last;
      {
        FaultPlan plan;
        plan.crash_at = first + k;
        plan.effect = effect;
        FaultInjectingStore faulty(std::move(OpenObjectStore(dir, true)).value(), plan);
        auto index = std::move(BlobIndex::Load(&faulty, "t/s/")).value();
        for (int f = 0; f < kBefore; ++f) {
          auto ids = FlushBlobs(index.get(), f, 5);
          before.insert(before.end(), ids.begin(), ids.end());
        }
        ASSERT_FALSE(faulty.crashed());
        Status st;
        last = FlushBlobs(index.get(), kBefore, 5, &st);
        EXPECT_FALSE(st.ok()) << "the store crashed";
        EXPECT_TRUE(faulty.crashed());
      }
      auto store = std::move(OpenObjectStore(dir, true)).value();
      auto reopened = std::move(BlobIndex::Load(store.get(), "t/s/")).value();
      for (const auto& id : before) ASSERT_TRUE(reopened->Find(id)->has_value());
      bool segment_written = k > 0 || effect == FaultPlan::Effect::kDone;
      for (const auto& id : last) EXPECT_EQ(reopened->Find(id)->has_value(), segment_written);
      // 7 per tier and the crashed commit's segment, one fold of them perhaps done.
      EXPECT_LE(reopened->SegmentKeys().size(), 2 * BlobIndex::kFoldFanIn);
      // Run again: a new process's commit loses nothing.
      FlushBlobs(reopened.get(), kBefore + 1, 5);
      auto after = std::move(BlobIndex::Load(store.get(), "t/s/")).value();
      for (const auto& id : before) ASSERT_TRUE(after->Find(id)->has_value());
      // A torn object is named as damaged (`repair index` removes it), never read as records.
      EXPECT_EQ(after->damaged_segments().size(), effect == FaultPlan::Effect::kTorn ? 1U : 0U);
    }
  }
}

// Segments another process wrote (here: 100 of a repository written before folding
// existed) are not folded: two processes folding the same segments would each write a
// fold of their records, and both folds would be read from then on.
TEST(BlobIndexTest, SegmentsAnotherProcessWroteAreNotFolded) {
  auto store = std::move(OpenObjectStore(testing::MakeTempDir("arbor-bi"), true)).value();
  std::vector<Digest> all;
  for (int s = 0; s < 100; ++s) {
    std::vector<IndexEntry> entries;
    entries.reserve(3);
    for (int i = 0; i < 3; ++i) {
      all.push_back(Sha256Of("old" + std::to_string(s) + "/" + std::to_string(i)));
      entries.push_back(
          {all.back(), {format::BlobType::kData, Sha256Of("oldpack" + std::to_string(s)), 512, 10, 20}});
    }
    std::string encoded = EncodeIndexSegment(entries);
    ASSERT_EQ(encoded.substr(0, 12), format::Header(format::kIndexMagic, 1));
    ASSERT_TRUE(store->Put(format::IndexKey("t/s/", Sha256Of(encoded)), encoded).ok());
  }
  auto index = std::move(BlobIndex::Load(store.get(), "t/s/")).value();
  EXPECT_EQ(index->SegmentKeys().size(), 100U);
  for (int f = 0; f < 9; ++f) FlushBlobs(index.get(), f, 3);
  EXPECT_EQ(index->folds(), 1U) << "its own nine segments: eight folded";
  EXPECT_EQ(index->SegmentKeys().size(), 102U);
  auto reopened = std::move(BlobIndex::Load(store.get(), "t/s/")).value();
  EXPECT_EQ(SortedKeys(*reopened), SortedKeys(*index));
  for (const auto& id : all) ASSERT_TRUE(reopened->Find(id)->has_value());
}

// Two writers in one repository (workers, each under a shared lock, each job opening the
// repository afresh and so seeing the other's segments), their commits interleaved: each
// folds only its own segments, and a fresh open reads every record once.
TEST(BlobIndexTest, TwoWritersFoldWithoutReadingARecordTwice) {
  auto store = std::move(OpenObjectStore(testing::MakeTempDir("arbor-bi"), true)).value();
  // Encrypted: two folds of the same records then differ (each has its own salt), where
  // unencrypted ones would be the same object under the same name.
  ObjectCipher cipher =
      std::move(ObjectCipher::Create(crypto::MasterKeySet::Generate(), std::string(64, 'e'))).value();
  std::vector<Digest> all;
  uint64_t folds = 0;
  int flush = 0;
  for (int round = 0; round < 4; ++round) {
    auto a = std::move(BlobIndex::Load(store.get(), "t/s/", &cipher)).value();
    auto b = std::move(BlobIndex::Load(store.get(), "t/s/", &cipher)).value();
    for (int i = 0; i < 24; ++i, ++flush) {
      auto ids = FlushBlobs((i % 2 == 0 ? a : b).get(), flush, 4);
      all.insert(all.end(), ids.begin(), ids.end());
    }
    folds += a->folds() + b->folds();
  }
  EXPECT_GE(folds, 8U);
  auto fresh = std::move(BlobIndex::Load(store.get(), "t/s/", &cipher)).value();
  uint64_t records = 0;
  std::set<Digest> distinct;
  ASSERT_TRUE(fresh
                  ->ForEach([&](const std::string&, const IndexEntry& e) {
                    ++records;
                    distinct.insert(e.id);
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(distinct.size(), all.size());
  EXPECT_EQ(records, all.size()) << "a record read twice: two folds of the same segments";
  for (const auto& id : all) ASSERT_TRUE(fresh->Find(id)->has_value());
}

}  // namespace
}  // namespace arbor
