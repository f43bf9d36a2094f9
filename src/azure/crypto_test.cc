#include "azure/crypto.h"

#include <gtest/gtest.h>

#include "base/hex.h"

namespace arbor::azure {
namespace {

TEST(CryptoTest, Base64RoundTrip) {
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    auto decoded = Base64Decode(Base64Encode(s));
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(*decoded, s);
  }
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
}

TEST(CryptoTest, Base64RejectsGarbage) {
  EXPECT_FALSE(Base64Decode("abc").ok());
  EXPECT_FALSE(Base64Decode("ab!c").ok());
  EXPECT_FALSE(Base64Decode("a===").ok());
  EXPECT_FALSE(Base64Decode("=abc").ok());
}

// Vectors from the Azure SDK's crypt_functions_test (raw key bytes, not base64-decoded).
TEST(CryptoTest, HmacSha256MatchesAzureSdkVectors) {
  const std::string key = "8CwtGFF1mGR4bPEP9eZ0x1fxKiQ3Ca5N";
  EXPECT_EQ(Base64Encode(HmacSha256(key, "")), "fFy2T+EuCvAgouw/vB/RAJ75z7jwTj+uiURebkFKF5M=");
  EXPECT_EQ(Base64Encode(HmacSha256(key, "Hello Azure!")), "+SBESxQVhI53mSEdZJcCBpdBkaqwzfPaVYZMAf5LP3c=");
}

TEST(CryptoTest, Digests) {
  EXPECT_EQ(ToHex(Md5("")), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(ToHex(Sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(CryptoTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
}

}  // namespace
}  // namespace arbor::azure
