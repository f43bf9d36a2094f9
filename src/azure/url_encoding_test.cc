#include "azure/url_encoding.h"

#include <gtest/gtest.h>

namespace arbor::azure {
namespace {

TEST(UrlEncodingTest, PathKeepsSubDelimitersAndEscapesPlusAndSpace) {
  EXPECT_EQ(EncodePath("dir1/a b.txt"), "dir1/a%20b.txt");
  EXPECT_EQ(EncodePath("a+b"), "a%2Bb");
  EXPECT_EQ(EncodePath("!$&'()*,;=:@/x"), "!$&'()*,;=:@/x");
  EXPECT_EQ(EncodePath("100%"), "100%25");
  EXPECT_EQ(EncodePath("\xc3\xa9t\xc3\xa9"), "%C3%A9t%C3%A9");
  EXPECT_EQ(EncodePath("a#b?c"), "a%23b%3Fc");
}

TEST(UrlEncodingTest, QueryComponentEscapesAllButUnreserved) {
  EXPECT_EQ(EncodeQueryComponent("Timestamps,Etag"), "Timestamps%2CEtag");
  EXPECT_EQ(EncodeQueryComponent("2026-01-05T10:00:00.1234567Z"), "2026-01-05T10%3A00%3A00.1234567Z");
  EXPECT_EQ(EncodeQueryComponent("a/b+c="), "a%2Fb%2Bc%3D");
}

TEST(UrlEncodingTest, DecodeRoundTripsAndRejectsBadEscapes) {
  auto d = PercentDecode("a%20b%2Bc+d%e9");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, "a b+c+d\xe9");
  EXPECT_FALSE(PercentDecode("abc%").ok());
  EXPECT_FALSE(PercentDecode("abc%2").ok());
  EXPECT_FALSE(PercentDecode("abc%zz").ok());
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  EXPECT_EQ(*PercentDecode(EncodePath(all)), all);
  EXPECT_EQ(*PercentDecode(EncodeQueryComponent(all)), all);
}

TEST(UrlEncodingTest, SplitRawQuery) {
  auto q = SplitRawQuery("restype=directory&comp=list&&flag&include=a%2Cb");
  ASSERT_EQ(q.size(), 4u);
  EXPECT_EQ(q[0], (std::pair<std::string, std::string>("restype", "directory")));
  EXPECT_EQ(q[2], (std::pair<std::string, std::string>("flag", "")));
  EXPECT_EQ(q[3].second, "a%2Cb");
  EXPECT_TRUE(SplitRawQuery("").empty());
}

}  // namespace
}  // namespace arbor::azure
