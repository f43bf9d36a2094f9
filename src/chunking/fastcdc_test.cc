#include "chunking/fastcdc.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

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

// Inputs on which Gear behaves differently: random bytes cut near the average size; the
// low-entropy ones hit the maximum size or make the hash periodic.
std::string LowEntropyBytes(size_t n, uint64_t seed, int kind) {
  std::mt19937_64 rng(seed);
  std::string s(n, '\0');
  switch (kind) {
    case 0:  // zeros with a random byte every ~100 bytes
      for (size_t i = 0; i < n; i += 1 + rng() % 200) s[i] = static_cast<char>(rng());
      break;
    case 1:  // a 7-byte pattern repeated
      for (size_t i = 0; i < n; ++i) s[i] = "arbor7!"[i % 7];
      break;
    default:  // text over a 4-letter alphabet: the Gear table sees 4 entries only
      for (size_t i = 0; i < n; ++i) s[i] = "acgt"[rng() % 4];
      break;
  }
  return s;
}

// The loop of docs/format/chunking.md, written as plainly as possible: the oracle every
// faster NextCut must agree with on every input, cut for cut.
size_t ReferenceCut(const ChunkerParams& params, std::string_view data, bool at_eof) {
  std::array<uint64_t, 256> gear{};
  uint64_t state = params.seed;
  for (auto& g : gear) {
    uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    g = z ^ (z >> 31);
  }
  int bits = std::countr_zero(params.avg_size);
  uint64_t mask_small = ~0ULL << (64 - (bits + params.normalization));
  uint64_t mask_large = bits - params.normalization <= 0 ? 0 : ~0ULL << (64 - (bits - params.normalization));
  size_t n = data.size();
  if (n <= params.min_size) return at_eof ? n : 0;
  uint64_t fp = 0;
  for (size_t i = params.min_size; i < std::min<size_t>(params.max_size, n); ++i) {
    fp = (fp << 1) + gear[static_cast<uint8_t>(data[i])];
    if ((fp & (i < params.avg_size ? mask_small : mask_large)) == 0) return i + 1;
  }
  if (n >= params.max_size) return params.max_size;
  return at_eof ? n : 0;
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

ChunkerParams Params(uint32_t min, uint32_t avg, uint32_t max, uint64_t seed, int normalization) {
  ChunkerParams p;
  p.min_size = min;
  p.avg_size = avg;
  p.max_size = max;
  p.seed = seed;
  p.normalization = normalization;
  return p;
}

// FNV-1a over the chunk sizes: one number that changes when any cut point moves.
uint64_t Fingerprint(const std::vector<size_t>& sizes) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (size_t s : sizes) {
    for (int b = 0; b < 8; ++b) h = (h ^ ((s >> (8 * b)) & 0xff)) * 0x100000001b3ULL;
  }
  return h;
}

// The cut points are the repository format: these fingerprints were taken from the
// implementation before it was optimized (issue 17) and must never change.
TEST(FastCdcTest, CutPointsArePinned) {
  struct Case {
    ChunkerParams params;
    std::string data;
    size_t chunks;
    uint64_t fingerprint;
  };
  std::vector<Case> cases = {
      {ChunkerParams{}, RandomBytes(24 << 20, 11), 23, 0x5ff8d7b96de34ce6ULL},
      {Params(2048, 8192, 65536, 7, 1), RandomBytes(4 << 20, 12), 437, 0x6d3425d6a30bfca8ULL},
      {Params(16384, 65536, 262144, 99, 3), RandomBytes(8 << 20, 13), 119, 0xdcfeaf1ff50585cdULL},
      {Params(64, 128, 1024, 12345, 0), RandomBytes(1 << 20, 14), 5548, 0xbde65fba4e494ed5ULL},
      {Params(4096, 16384, 131072, 3, 4), LowEntropyBytes(4 << 20, 15, 0), 225, 0xaa8fb64aeec5535fULL},
      {Params(4096, 16384, 131072, 3, 2), LowEntropyBytes(4 << 20, 16, 1), 32, 0xb7a236df24475b25ULL},
      {Params(4096, 16384, 131072, 5, 2), LowEntropyBytes(4 << 20, 17, 2), 224, 0xd600e3d5f94c1820ULL},
      {ChunkerParams{}, LowEntropyBytes(16 << 20, 18, 2), 16, 0xf56b014b4363c3c9ULL},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE("case " + std::to_string(i));
    const Case& c = cases[i];
    std::vector<size_t> sizes = Chunk(Chunker(c.params), c.data);
    std::vector<size_t> reference;
    for (std::string_view rest = c.data; !rest.empty(); rest.remove_prefix(reference.back())) {
      reference.push_back(ReferenceCut(c.params, rest, true));
    }
    EXPECT_EQ(sizes, reference);
    EXPECT_EQ(sizes.size(), c.chunks);
    EXPECT_EQ(Fingerprint(sizes), c.fingerprint);
  }
}

// Windows of every length and start, with and without EOF, against the reference: covers
// the ends of whatever blocks a fast scan splits the data into.
TEST(FastCdcTest, AnyWindowCutsLikeTheReference) {
  std::mt19937_64 rng(21);
  for (const ChunkerParams& p : {Params(64, 256, 2048, 1, 2), Params(1024, 4096, 16384, 2, 1),
                                 Params(8192, 65536, 524288, 3, 3), ChunkerParams{}}) {
    SCOPED_TRACE("min_size " + std::to_string(p.min_size));
    Chunker c(p);
    std::string random = RandomBytes(size_t{2} * p.max_size, rng());
    std::string low = LowEntropyBytes(size_t{2} * p.max_size, rng(), 2);
    for (int trial = 0; trial < 300; ++trial) {
      const std::string& data = trial % 3 == 2 ? low : random;
      size_t start = rng() % p.max_size;
      size_t len = rng() % (p.max_size + p.max_size / 4);
      bool eof = rng() % 2 == 0;
      std::string_view window = std::string_view(data).substr(start, len);
      ASSERT_EQ(c.NextCut(window, eof), ReferenceCut(p, window, eof))
          << start << "+" << len << " eof " << eof;
    }
  }
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
