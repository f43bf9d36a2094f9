#include "catalog/api_token.h"

#include <gtest/gtest.h>

#include <set>

namespace arbor::catalog {
namespace {

TEST(ApiTokenTest, GeneratedTokensHaveTheDocumentedShapeAndDiffer) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string t = GenerateApiToken();
    EXPECT_TRUE(LooksLikeApiToken(t)) << t;
    EXPECT_EQ(t.size(), 6u + 64u);
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(ApiTokenTest, HashIsSha256OfTheWholeToken) {
  // sha256("abc"), FIPS 180-2 test vector.
  EXPECT_EQ(HashApiToken("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  std::string t = GenerateApiToken();
  EXPECT_EQ(HashApiToken(t), HashApiToken(t));
  EXPECT_NE(HashApiToken(t), HashApiToken(t + "x"));
  EXPECT_EQ(HashApiToken(t).find(t.substr(6, 16)), std::string::npos);
}

TEST(ApiTokenTest, RejectsMalformedTokens) {
  EXPECT_FALSE(LooksLikeApiToken(""));
  EXPECT_FALSE(LooksLikeApiToken("arbor_"));
  EXPECT_FALSE(LooksLikeApiToken("arbor_" + std::string(64, 'g')));
  EXPECT_FALSE(LooksLikeApiToken("bearer_" + std::string(64, 'a')));
  EXPECT_FALSE(LooksLikeApiToken("arbor_" + std::string(63, 'a')));
}

}  // namespace
}  // namespace arbor::catalog
