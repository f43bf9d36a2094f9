#include "archiver/range_reuse.h"

#include <gtest/gtest.h>

#include "base/file_util.h"
#include "archiver/chunk_writer.h"
#include "store/open_store.h"
#include "support/temp_dir.h"

namespace arbor {
namespace {

using Run = RangeReusePlan::Run;

bool SameRun(const Run& a, const Run& b) {
  return a.first_chunk == b.first_chunk && a.end_chunk == b.end_chunk && a.begin == b.begin &&
         a.old_end == b.old_end && a.new_end == b.new_end;
}

const std::vector<uint32_t> kFour = {100, 100, 100, 100};

TEST(RangeReusePlanTest, OneChangeInsideOneChunkRebuildsThatChunk) {
  auto plan = PlanRangeReuse(kFour, {{150, 10}}, 400);
  ASSERT_EQ(plan.runs.size(), 1u);
  EXPECT_TRUE(SameRun(plan.runs[0], {1, 2, 100, 200, 200}));
  EXPECT_EQ(plan.changed_bytes, 10u);
  EXPECT_EQ(plan.offsets, (std::vector<uint64_t>{0, 100, 200, 300}));
}

TEST(RangeReusePlanTest, ChangesAcrossABoundaryMakeOneRun) {
  auto plan = PlanRangeReuse(kFour, {{190, 20}}, 400);
  ASSERT_EQ(plan.runs.size(), 1u);
  EXPECT_TRUE(SameRun(plan.runs[0], {1, 3, 100, 300, 300}));
}

TEST(RangeReusePlanTest, SeparatedChangesMakeSeparateRuns) {
  auto plan = PlanRangeReuse(kFour, {{250, 1}, {10, 1}}, 400);
  ASSERT_EQ(plan.runs.size(), 2u);
  EXPECT_TRUE(SameRun(plan.runs[0], {0, 1, 0, 100, 100}));
  EXPECT_TRUE(SameRun(plan.runs[1], {2, 3, 200, 300, 300}));
}

TEST(RangeReusePlanTest, OverlappingAndUnsortedRangesAreMerged) {
  auto plan = PlanRangeReuse(kFour, {{220, 30}, {200, 25}, {240, 5}, {250, 1}}, 400);
  ASSERT_EQ(plan.changed.size(), 1u);
  EXPECT_EQ(plan.changed[0], (Extent{200, 51}));
  EXPECT_EQ(plan.changed_bytes, 51u);
}

TEST(RangeReusePlanTest, NothingChangedKeepsEverything) {
  auto plan = PlanRangeReuse(kFour, {}, 400);
  EXPECT_TRUE(plan.runs.empty());
  EXPECT_EQ(plan.changed_bytes, 0u);
}

TEST(RangeReusePlanTest, GrowthAppendsATailRun) {
  auto plan = PlanRangeReuse(kFour, {}, 450);
  ASSERT_EQ(plan.runs.size(), 1u);
  EXPECT_TRUE(SameRun(plan.runs[0], {4, 4, 400, 400, 450}));
  EXPECT_EQ(plan.changed_bytes, 50u);
}

TEST(RangeReusePlanTest, GrowthAfterAChangedLastChunkExtendsItsRun) {
  auto plan = PlanRangeReuse(kFour, {{350, 10}}, 450);
  ASSERT_EQ(plan.runs.size(), 1u);
  EXPECT_TRUE(SameRun(plan.runs[0], {3, 4, 300, 400, 450}));
}

TEST(RangeReusePlanTest, ShrinkingRebuildsTheChunksPastTheEnd) {
  auto plan = PlanRangeReuse(kFour, {}, 250);
  ASSERT_EQ(plan.runs.size(), 1u);
  EXPECT_TRUE(SameRun(plan.runs[0], {2, 4, 200, 400, 250}));
  EXPECT_EQ(plan.changed_bytes, 0u);
}

TEST(RangeReuseBaseTest, OnlyTheSameLargeDenseHashedFileQualifies) {
  Node old;
  old.kind = NodeKind::kFile;
  old.file_id = 7;
  old.size = kMinRangeReuseSize;
  old.content = {Digest{}};
  old.chunk_sizes = {static_cast<uint32_t>(kMinRangeReuseSize)};
  old.quickxor = std::array<uint8_t, 20>{};
  Node now = old;
  EXPECT_NE(RangeReuseBase(&old, now, "2026-01-01T00:00:00.0000000Z"), nullptr);
  EXPECT_EQ(RangeReuseBase(&old, now, ""), nullptr);  // the parent recorded no share snapshot
  EXPECT_EQ(RangeReuseBase(nullptr, now, "s"), nullptr);
  now.file_id = 8;
  EXPECT_EQ(RangeReuseBase(&old, now, "s"), nullptr);  // another file under the same name
  now.file_id = 7;
  old.data_extents = {{0, 10}};
  EXPECT_EQ(RangeReuseBase(&old, now, "s"), nullptr);  // sparse
  old.data_extents.clear();
  old.size = kMinRangeReuseSize - 1;
  EXPECT_EQ(RangeReuseBase(&old, now, "s"), nullptr);  // small: read whole
}

TEST(ChunkWriterTest, ChunksLikeOneShotAndEndsWhereTheStreamEnds) {
  std::string dir = testing::MakeTempDir("arbor-chunkwriter");
  auto store = OpenObjectStore(dir + "/repo", true);
  auto repo =
      std::move(Repository::Init(std::move(store).value(), "t", "s", RepoConfig::NewRandom())).value();
  std::string data(9 << 20, '\0');
  uint64_t x = 88172645463325252ULL;
  for (char& c : data) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    c = static_cast<char>(x);
  }
  Node node;
  ChunkWriter writer(*repo, &node);
  for (size_t pos = 0; pos < data.size(); pos += 333333) {
    ASSERT_TRUE(writer.Append(std::string_view(data).substr(pos, 333333)).ok());
  }
  ASSERT_TRUE(writer.Finish().ok());
  ASSERT_TRUE(repo->Flush().ok());
  uint64_t total = 0;
  std::string joined;
  for (size_t i = 0; i < node.content.size(); ++i) {
    auto blob = repo->LoadBlob(node.content[i]);
    ASSERT_TRUE(blob.ok());
    EXPECT_EQ(blob->size(), node.chunk_sizes[i]);
    EXPECT_LE(blob->size(), repo->chunker().params().max_size);
    joined += *blob;
    total += node.chunk_sizes[i];
  }
  EXPECT_EQ(total, data.size());
  EXPECT_EQ(joined, data);
  EXPECT_GT(node.content.size(), 3u);  // content-defined cuts, not one piece
  (void)RemoveAll(dir);
}

}  // namespace
}  // namespace arbor
