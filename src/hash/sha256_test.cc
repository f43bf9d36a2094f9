#include "hash/sha256.h"

#include <gtest/gtest.h>

namespace arbor {
namespace {

TEST(Sha256Test, KnownVectors) {
  EXPECT_EQ(Sha256Of("").Hex(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Of("abc").Hex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256Test, IncrementalEqualsOneShot) {
  std::string data(100000, 'x');
  Sha256 h;
  h.Update(std::string_view(data).substr(0, 777));
  h.Update(std::string_view(data).substr(777));
  EXPECT_EQ(h.Finish(), Sha256Of(data));
}

TEST(DigestTest, HexRoundTripAndOrdering) {
  Digest a = Sha256Of("a");
  Digest parsed;
  ASSERT_TRUE(Digest::FromHex(a.Hex(), &parsed));
  EXPECT_EQ(parsed, a);
  EXPECT_FALSE(Digest::FromHex("abc", &parsed));
  EXPECT_FALSE(Digest::FromHex(std::string(64, 'z'), &parsed));
  Digest zero;
  EXPECT_TRUE(zero.IsZero());
  EXPECT_LT(zero, a);
}

}  // namespace
}  // namespace arbor
