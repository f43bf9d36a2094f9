#include "chunking/fastcdc.h"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace arbor {
namespace {

std::string RandomBytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string s(n, '\0');
  for (size_t i = 0; i + 8 <= n; i += 8) {
    uint64_t v = rng();
    s.replace(i, 8, reinterpret_cast<const char*>(&v), 8);
  }
  return s;
}

std::vector<size_t> Chunk(const Chunker& c, std::string_view data) {
  std::vector<size_t> sizes;
  while (!data.empty()) {
    size_t cut = c.NextCut(data, true);
    sizes.push_back(cut);
    data.remove_prefix(cut);
  }
  return sizes;
}

TEST(FastCdcTest, ChunkSizesRespectBoundsAndAverage) {
  Chunker c(ChunkerParams{});
  std::string data = RandomBytes(64 << 20, 1);
  auto sizes = Chunk(c, data);
  size_t total = 0;
  for (size_t i = 0; i < sizes.size(); ++i) {
    total += sizes[i];
    if (i + 1 < sizes.size()) {
      EXPECT_GE(sizes[i], 256U * 1024);
      EXPECT_LE(sizes[i], 4U * 1024 * 1024);
    }
  }
  EXPECT_EQ(total, data.size());
  double avg = static_cast<double>(total) / static_cast<double>(sizes.size());
  EXPECT_GT(avg, 0.6 * 1024 * 1024);
  EXPECT_LT(avg, 1.8 * 1024 * 1024);
}

TEST(FastCdcTest, InsertionOnlyChangesNearbyChunks) {
  Chunker c(ChunkerParams{});
  std::string data = RandomBytes(32 << 20, 2);
  std::string edited = data;
  edited.insert(10 << 20, "inserted bytes that shift everything after them");
  auto a = Chunk(c, data);
  auto b = Chunk(c, edited);
  // Cut points after the edit resynchronise: most chunk sizes are shared.
  size_t shared = 0;
  for (size_t x : a) shared += std::count(b.begin(), b.end(), x) > 0 ? 1 : 0;
  EXPECT_GE(shared + 3, a.size());
}

TEST(FastCdcTest, StreamingNeedsMoreDataUntilCutOrMax) {
  Chunker c(ChunkerParams{});
  std::string data = RandomBytes(8 << 20, 3);
  size_t whole = c.NextCut(data, true);
  // With only part of the data and no EOF, a cut beyond the part cannot be decided.
  ASSERT_GT(whole, 300U * 1024);
  EXPECT_EQ(c.NextCut(std::string_view(data).substr(0, 300 * 1024), false), 0U);
  EXPECT_EQ(c.NextCut(std::string_view(data).substr(0, whole + 1), false), whole);
  EXPECT_EQ(c.NextCut("tiny", true), 4U);
  EXPECT_EQ(c.NextCut("tiny", false), 0U);
}

TEST(FastCdcTest, SeedChangesCutPointsDeterministically) {
  std::string data = RandomBytes(16 << 20, 4);
  ChunkerParams p;
  p.seed = 7;
  EXPECT_EQ(Chunk(Chunker(p), data), Chunk(Chunker(p), data));
  ChunkerParams q = p;
  q.seed = 8;
  EXPECT_NE(Chunk(Chunker(p), data), Chunk(Chunker(q), data));
}

TEST(FastCdcTest, ZeroRunsGiveMaxSizeOrMinSizeChunksConsistently) {
  Chunker c(ChunkerParams{});
  std::string zeros(20 << 20, '\0');
  auto sizes = Chunk(c, zeros);
  for (size_t i = 0; i + 1 < sizes.size(); ++i) EXPECT_EQ(sizes[i], sizes[0]);
}

TEST(FastCdcTest, ParamValidation) {
  EXPECT_TRUE(ChunkerParams{}.Valid());
  ChunkerParams bad;
  bad.avg_size = 1000000;
  EXPECT_FALSE(bad.Valid());
  bad = ChunkerParams{};
  bad.min_size = bad.avg_size;
  EXPECT_FALSE(bad.Valid());
}

}  // namespace
}  // namespace arbor
