#include "base/coding.h"

#include <gtest/gtest.h>

#include "base/hex.h"

namespace arbor {
namespace {

TEST(CodingTest, VarintRoundTripsEdgeValues) {
  for (uint64_t v : {0ULL, 1ULL, 127ULL, 128ULL, 300ULL, (1ULL << 32) + 5, ~0ULL}) {
    std::string buf;
    PutVarint64(&buf, v);
    EXPECT_EQ(static_cast<int>(buf.size()), VarintLength(v));
    std::string_view in = buf;
    uint64_t out = 0;
    ASSERT_TRUE(GetVarint64(&in, &out));
    EXPECT_EQ(out, v);
    EXPECT_TRUE(in.empty());
  }
}

TEST(CodingTest, SignedVarintKeepsSmallDeltasShort) {
  for (int64_t v : std::initializer_list<int64_t>{0, -1, 1, -64, 63, INT64_MIN, INT64_MAX}) {
    std::string buf;
    PutVarintSigned64(&buf, v);
    std::string_view in = buf;
    int64_t out = 0;
    ASSERT_TRUE(GetVarintSigned64(&in, &out));
    EXPECT_EQ(out, v);
  }
  std::string one;
  PutVarintSigned64(&one, -1);
  EXPECT_EQ(one.size(), 1U);
}

TEST(CodingTest, TruncatedInputIsRejected) {
  std::string buf;
  PutVarint64(&buf, 1ULL << 40);
  std::string_view in = std::string_view(buf).substr(0, buf.size() - 1);
  uint64_t v = 0;
  EXPECT_FALSE(GetVarint64(&in, &v));
  std::string lp;
  PutLengthPrefixed(&lp, "hello");
  std::string_view cut = std::string_view(lp).substr(0, 4);
  std::string_view val;
  EXPECT_FALSE(GetLengthPrefixed(&cut, &val));
}

TEST(HexTest, RoundTripAndRejectsBadDigits) {
  EXPECT_EQ(ToHex("\x01\xab"), "01ab");
  EXPECT_EQ(*FromHex("01AB"), "\x01\xab");
  EXPECT_FALSE(FromHex("0g").has_value());
  EXPECT_FALSE(FromHex("abc").has_value());
}

}  // namespace
}  // namespace arbor
