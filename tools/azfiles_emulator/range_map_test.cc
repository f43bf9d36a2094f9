#include "range_map.h"

#include <gtest/gtest.h>

namespace arbor::azfiles {
namespace {

using Ranges = std::vector<ByteRange>;

TEST(RangeMapTest, WritesMergeInValidButKeepTheirSequence) {
  RangeMap m;
  m.Write(0, 100, 1);
  m.Write(100, 100, 2);
  m.Write(50, 10, 3);
  EXPECT_EQ(m.Valid(), (Ranges{{0, 200}}));
  EXPECT_EQ(m.ChangedSince(1), (Ranges{{50, 10}, {100, 100}}));
  EXPECT_EQ(m.ChangedSince(2), (Ranges{{50, 10}}));
  EXPECT_EQ(m.ChangedSince(3), Ranges{});
  EXPECT_EQ(m.pieces().size(), 4u);
  EXPECT_EQ(m.ValidBytes(), 200u);
}

// The service's documented example: clearing 768-2304 of a 64 KiB range leaves valid
// ranges 0-1023 and 2048-65535.
TEST(RangeMapTest, ClearFreesOnlyAlignedBlocks) {
  RangeMap m;
  m.Write(0, 65536, 1);
  RangeMap::ClearPlan plan = m.Clear(768, 2304 - 768 + 1, 2);
  ASSERT_TRUE(plan.punch.has_value());
  EXPECT_EQ(*plan.punch, (ByteRange{1024, 1024}));
  EXPECT_EQ(plan.zero_fill, (Ranges{{768, 256}, {2048, 257}}));
  EXPECT_EQ(m.Valid(), (Ranges{{0, 1024}, {2048, 65536 - 2048}}));
  EXPECT_EQ(m.ChangedSince(1), (Ranges{{768, 256}, {2048, 257}}));
}

TEST(RangeMapTest, ClearInsideOneBlockOnlyZeroFills) {
  RangeMap m;
  m.Write(0, 512, 1);
  RangeMap::ClearPlan plan = m.Clear(10, 20, 2);
  EXPECT_FALSE(plan.punch.has_value());
  EXPECT_EQ(plan.zero_fill, (Ranges{{10, 20}}));
  EXPECT_EQ(m.Valid(), (Ranges{{0, 512}}));
  RangeMap empty;
  EXPECT_TRUE(empty.Clear(10, 20, 2).zero_fill.empty());
  EXPECT_TRUE(empty.Valid().empty());
}

TEST(RangeMapTest, TruncateAndWindow) {
  RangeMap m;
  m.Write(0, 10, 1);
  m.Write(20, 10, 1);
  m.Write(40, 10, 1);
  m.Truncate(25);
  EXPECT_EQ(m.Valid(), (Ranges{{0, 10}, {20, 5}}));
  EXPECT_EQ(m.Valid(ByteRange{5, 17}), (Ranges{{5, 5}, {20, 2}}));
}

TEST(RangeMapTest, SubtractAndMerge) {
  EXPECT_EQ(SubtractRanges({{0, 100}}, {{10, 10}, {50, 100}}), (Ranges{{0, 10}, {20, 30}}));
  EXPECT_EQ(SubtractRanges({{0, 10}, {20, 10}}, {}), (Ranges{{0, 10}, {20, 10}}));
  EXPECT_EQ(SubtractRanges({{0, 10}}, {{0, 10}}), Ranges{});
  EXPECT_EQ(MergeRanges({{10, 5}, {0, 10}, {30, 0}, {14, 2}}), (Ranges{{0, 16}}));
}

}  // namespace
}  // namespace arbor::azfiles
