#include "azure/header_order.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace arbor::azure {
namespace {

TEST(HeaderOrderTest, MatchesTheServiceOrderFromTheReference) {
  std::vector<std::string> names = {"x-ms-version", "x-ms-meta-i0", "x-ms-meta-a-b", "x-ms-meta-i_",
                                    "x-ms-meta-ab", "x-ms-date",    "x-ms-meta-aa"};
  std::sort(names.begin(), names.end(), CanonicalHeaderLess);
  EXPECT_EQ(names, (std::vector<std::string>{"x-ms-date", "x-ms-meta-aa", "x-ms-meta-ab", "x-ms-meta-a-b",
                                             "x-ms-meta-i_", "x-ms-meta-i0", "x-ms-version"}));
}

TEST(HeaderOrderTest, HyphenIsIgnoredUntilTheLastLevel) {
  EXPECT_TRUE(CanonicalHeaderLess("x-ms-meta-ab", "x-ms-meta-a-b"));
  EXPECT_FALSE(CanonicalHeaderLess("x-ms-meta-a-b", "x-ms-meta-ab"));
  // A hyphen further right sorts first.
  EXPECT_TRUE(CanonicalHeaderLess("ab-c", "a-bc"));
  EXPECT_TRUE(CanonicalHeaderLess("a-bc", "a-b-c"));
  // Apostrophe is lighter than hyphen at the same position.
  EXPECT_TRUE(CanonicalHeaderLess("a'b", "a-b"));
  // Without a primary tie the hyphen does not matter.
  EXPECT_TRUE(CanonicalHeaderLess("x-ms-meta-a-b", "x-ms-meta-ac"));
  EXPECT_TRUE(CanonicalHeaderLess("x-ms-file-attr", "x-ms-fileid"));
}

TEST(HeaderOrderTest, PunctuationBeforeDigitsBeforeLetters) {
  EXPECT_TRUE(CanonicalHeaderLess("i_", "i0"));
  EXPECT_TRUE(CanonicalHeaderLess("i.", "i_"));
  EXPECT_TRUE(CanonicalHeaderLess("i~", "i+"));
  EXPECT_TRUE(CanonicalHeaderLess("i+", "i0"));
  EXPECT_TRUE(CanonicalHeaderLess("i9", "ia"));
  EXPECT_TRUE(CanonicalHeaderLess("i", "i_"));
}

TEST(HeaderOrderTest, IsAStrictWeakOrder) {
  std::vector<std::string> names = {"a", "a-", "-a", "a'", "a_", "a0", "ab", "a-b", "ab-", "a'b", "A", "aB"};
  for (const auto& x : names) {
    EXPECT_FALSE(CanonicalHeaderLess(x, x)) << x;
    for (const auto& y : names) {
      if (x != y) {
        EXPECT_NE(CanonicalHeaderLess(x, y), CanonicalHeaderLess(y, x)) << x << " " << y;
      }
      for (const auto& z : names) {
        if (CanonicalHeaderLess(x, y) && CanonicalHeaderLess(y, z)) {
          EXPECT_TRUE(CanonicalHeaderLess(x, z)) << x << " " << y << " " << z;
        }
      }
    }
  }
}

}  // namespace
}  // namespace arbor::azure
