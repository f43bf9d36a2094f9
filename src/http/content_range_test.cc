#include "http/content_range.h"

#include <gtest/gtest.h>

namespace arbor::http {
namespace {

HttpResponse With(std::string content_range, std::string body = {}) {
  HttpResponse r;
  r.status = 206;
  if (!content_range.empty()) r.headers.emplace_back("Content-Range", std::move(content_range));
  r.body = std::move(body);
  return r;
}

TEST(ContentRangeTest, ParsesTheThreeShapes) {
  auto full = ParseContentRange(With("bytes 0-99/1000"));
  ASSERT_TRUE(full);
  EXPECT_EQ(*full->first, 0u);
  EXPECT_EQ(*full->last, 99u);
  EXPECT_EQ(*full->total, 1000u);
  auto unknown_total = ParseContentRange(With("bytes 5-9/*"));
  ASSERT_TRUE(unknown_total);
  EXPECT_FALSE(unknown_total->total);
  auto unsatisfied = ParseContentRange(With("bytes */42"));
  ASSERT_TRUE(unsatisfied);
  EXPECT_FALSE(unsatisfied->first);
  EXPECT_EQ(*unsatisfied->total, 42u);
}

TEST(ContentRangeTest, MalformedHeadersAreNotParsed) {
  for (const char* bad : {"", "bytes", "bytes 1-2", "bytes 9-3/10", "bytes -3/10", "bytes 1-x/10",
                          "items 0-1/2", "bytes 0-1/10x", "bytes 18446744073709551616-1/2"}) {
    EXPECT_FALSE(ParseContentRange(With(bad))) << bad;
  }
}

TEST(ContentRangeTest, ABodyMustBeTheBytesItsRangeNames) {
  EXPECT_EQ(*CheckRangedBody(With("bytes 3-6/10", "3456"), 3, "read"), 10u);
  EXPECT_EQ(*CheckRangedBody(With("bytes 3-6/*", "3456"), 3, "read"), 0u)
      << "a total the server does not know";
  EXPECT_TRUE(CheckRangedBody(With("bytes 3-6/10", "34"), 3, "read").status().Is(StatusCode::kCorruption))
      << "short body";
  EXPECT_TRUE(CheckRangedBody(With("bytes 4-7/10", "4567"), 3, "read").status().Is(StatusCode::kCorruption))
      << "another place than asked";
  EXPECT_TRUE(CheckRangedBody(With("bytes 8-10/10", "890"), 8, "read").status().Is(StatusCode::kCorruption))
      << "past the total";
  auto none = CheckRangedBody(With("", "3456"), 3, "reading k");
  EXPECT_TRUE(none.status().Is(StatusCode::kCorruption));
  EXPECT_NE(none.status().ToString().find("reading k"), std::string::npos) << none.status().ToString();
}

TEST(ContentRangeTest, A416ProvesTheEndOnlyWhenItsTotalSaysSo) {
  EXPECT_TRUE(UnsatisfiedRangeProvesEnd(With("bytes */10"), 10));
  EXPECT_TRUE(UnsatisfiedRangeProvesEnd(With("bytes */10"), 12));
  EXPECT_FALSE(UnsatisfiedRangeProvesEnd(With("bytes */10"), 3)) << "the object has bytes there";
  EXPECT_FALSE(UnsatisfiedRangeProvesEnd(With(""), 3)) << "no total: the caller must ask the size";
}

}  // namespace
}  // namespace arbor::http
