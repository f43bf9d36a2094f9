#include "node_index/name_code.h"

#include <gtest/gtest.h>

namespace arbor::node_index {
namespace {

std::string RoundTrip(std::string_view suffix, std::string prefix = "") {
  std::string coded;
  int prev = prefix.empty() ? -1 : static_cast<unsigned char>(prefix.back());
  EncodeNameCode(suffix, prev, &coded);
  EXPECT_EQ(coded.size(), NameCodeBytes(suffix, prev));
  coded += "trailing";
  std::string_view in = coded;
  std::string out = prefix;
  EXPECT_TRUE(DecodeNameCode(&in, &out, 4096));
  EXPECT_EQ(in, "trailing");
  return out.substr(prefix.size());
}

TEST(NameCodeTest, EveryByteValueRoundTripsInEveryContext) {
  std::string all;
  for (int b = 1; b < 256; ++b) all.push_back(static_cast<char>(b));
  for (std::string prefix : {"", "a", "Z", "7", "_", "\xc3"}) {
    EXPECT_EQ(RoundTrip(all, prefix), all);
    EXPECT_EQ(RoundTrip("", prefix), "");
  }
}

TEST(NameCodeTest, TypicalNamesShrink) {
  for (std::string_view s :
       {"IMG_20190612_142311", "quarterly report final", "index", "part-00017-of-export"}) {
    EXPECT_EQ(RoundTrip(s), s);
    EXPECT_LE(NameCodeBytes(s, -1), s.size() * 3 / 4 + 1) << s;
  }
  // Digits after a digit are cheap: four bits or less each.
  EXPECT_LE(NameCodeBytes("1234567890123456", '9'), 9u);
}

TEST(NameCodeTest, TruncatedOrOverlongInputIsRejected) {
  std::string coded;
  EncodeNameCode("some name that is long enough", -1, &coded);
  for (size_t n = 0; n < coded.size(); ++n) {
    std::string_view in(coded.data(), n);
    std::string out;
    EXPECT_FALSE(DecodeNameCode(&in, &out, 4096)) << n;
  }
  std::string_view in = coded;
  std::string out;
  EXPECT_FALSE(DecodeNameCode(&in, &out, 5));  // longer than allowed
}

}  // namespace
}  // namespace arbor::node_index
