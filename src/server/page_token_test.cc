#include "server/page_token.h"

#include <gtest/gtest.h>

namespace arbor::server {
namespace {

TEST(PageTokenTest, RoundTripsAnyName) {
  for (const std::string& name :
       std::vector<std::string>{"a", "file with spaces", "<script>", std::string("\xff\x01", 2)}) {
    auto back = DecodePageToken(EncodePageToken(name));
    ASSERT_TRUE(back.ok()) << name;
    EXPECT_EQ(*back, name);
  }
}

TEST(PageTokenTest, RefusesWhatItDidNotMake) {
  for (std::string bad : {"", "n1.", "n1.zz", "n1.abc", "x1.6162", "6162", "n1.6162 "}) {
    auto got = DecodePageToken(bad);
    EXPECT_TRUE(got.status().Is(StatusCode::kInvalidArgument)) << bad;
  }
}

TEST(PageTokenTest, PageSizeBounds) {
  EXPECT_EQ(*ParsePageSize("", 100, 1000), 100);
  EXPECT_EQ(*ParsePageSize("1000", 100, 1000), 1000);
  for (std::string bad : {"0", "-1", "1001", "abc", "10x", "1e3"}) {
    EXPECT_TRUE(ParsePageSize(bad, 100, 1000).status().Is(StatusCode::kInvalidArgument)) << bad;
  }
}

}  // namespace
}  // namespace arbor::server
