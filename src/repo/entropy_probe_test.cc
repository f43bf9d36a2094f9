#include "repo/entropy_probe.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "repo/blob_codec.h"
#include "support/random_bytes.h"

namespace arbor {
namespace {

// Words from a small vocabulary, as text and source files are: compresses well.
std::string Text(size_t n) {
  static const char* const kWords[] = {"backup ", "snapshot ",  "the ",        "of ",
                                       "file ",   "directory ", "restore ",    "pack ",
                                       "index ",  "tree\n",     "{\"size\": ", "42, "};
  std::mt19937 gen(7);
  std::string out;
  while (out.size() < n) out += kWords[gen() % std::size(kWords)];
  out.resize(n);
  return out;
}

std::string Base64(const std::string& raw) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (unsigned char c : raw) out += kAlphabet[c & 63];
  return out;
}

TEST(EntropyProbe, RandomDataLooksIncompressibleAtEverySizeFrom400Bytes) {
  for (size_t n : {400U, 512U, 513U, 5000U, 64U << 10, 1U << 20}) {
    std::string data = testing::RandomBytes(n, n);
    EXPECT_TRUE(LooksIncompressible(data)) << n << " bytes: " << SampledEntropy(data);
    EXPECT_FALSE(CompressBlob(data, 3).has_value()) << n;
  }
}

TEST(EntropyProbe, CompressibleDataStillReachesZstd) {
  std::string zeros(100000, '\0');
  std::string text = Text(200000);
  std::string b64 = Base64(testing::RandomBytes(3, 50000));  // 6 bits a byte: zstd saves ~1/4
  std::string tiny_random = testing::RandomBytes(9, 200);    // too few bytes to tell
  for (const std::string* data : {&zeros, &text, &b64}) {
    EXPECT_FALSE(LooksIncompressible(*data)) << SampledEntropy(*data);
    auto compressed = CompressBlob(*data, 3);
    ASSERT_TRUE(compressed.has_value());
    EXPECT_LT(compressed->size(), data->size() * 31 / 32);
  }
  EXPECT_FALSE(LooksIncompressible(tiny_random)) << SampledEntropy(tiny_random);
  EXPECT_NEAR(SampledEntropy(b64), 6.0, 0.3);
  EXPECT_EQ(SampledEntropy(zeros), 0.0);
}

// A compressed file inside a text one (a PDF's streams, a mail with an attachment): the
// runs fall in both, and one run of text is enough to send the blob to zstd.
TEST(EntropyProbe, MixedBlobReachesZstd) {
  std::string data = testing::RandomBytes(5, size_t{7} * 4096) + Text(4096);
  EXPECT_FALSE(LooksIncompressible(data)) << SampledEntropy(data);
}

}  // namespace
}  // namespace arbor
