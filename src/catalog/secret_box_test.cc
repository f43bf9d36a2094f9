#include "catalog/secret_box.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include "base/file_util.h"

namespace arbor::catalog {
namespace {

TEST(SecretBoxTest, SealThenUnsealRoundTrips) {
  SecretKey key = SecretKey::Generate();
  auto sealed = Seal(key, "DefaultEndpointsProtocol=https;AccountKey=abc==", "share:t/s");
  ASSERT_TRUE(sealed.ok());
  EXPECT_TRUE(IsSealed(*sealed));
  EXPECT_EQ(sealed->find("AccountKey"), std::string::npos);
  auto opened = Unseal(key, *sealed, "share:t/s");
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(opened->reveal(), "DefaultEndpointsProtocol=https;AccountKey=abc==");
}

TEST(SecretBoxTest, SealingTwiceGivesDifferentCiphertexts) {
  SecretKey key = SecretKey::Generate();
  EXPECT_NE(Seal(key, "x", "a").value(), Seal(key, "x", "a").value());
}

TEST(SecretBoxTest, AlteredValueOrOtherRowFailsAuthentication) {
  SecretKey key = SecretKey::Generate();
  std::string sealed = Seal(key, "secret", "share:t1/s1").value();
  EXPECT_TRUE(Unseal(key, sealed, "share:t2/s1").status().Is(StatusCode::kCorruption));
  std::string flipped = sealed;
  flipped.back() = flipped.back() == '0' ? '1' : '0';
  EXPECT_TRUE(Unseal(key, flipped, "share:t1/s1").status().Is(StatusCode::kCorruption));
  EXPECT_TRUE(Unseal(key, "aesgcm1:zz", "share:t1/s1").status().Is(StatusCode::kCorruption));
}

TEST(SecretBoxTest, WrongKeyIsNamedByFingerprint) {
  SecretKey key = SecretKey::Generate();
  SecretKey other = SecretKey::Generate();
  std::string sealed = Seal(key, "secret", "aad").value();
  Status st = Unseal(other, sealed, "aad").status();
  EXPECT_TRUE(st.Is(StatusCode::kInvalidArgument));
  EXPECT_NE(st.message().find(key.Fingerprint()), std::string::npos) << st.ToString();
  EXPECT_EQ(st.message().find(key.Hex()), std::string::npos);
}

TEST(SecretBoxTest, KeyFromHexValidatesLength) {
  EXPECT_TRUE(SecretKey::FromHex(std::string(64, 'a')).ok());
  EXPECT_TRUE(SecretKey::FromHex(" " + std::string(64, 'a') + "\n").ok());
  EXPECT_FALSE(SecretKey::FromHex(std::string(62, 'a')).ok());
  EXPECT_FALSE(SecretKey::FromHex(std::string(64, 'x')).ok());
}

TEST(SecretBoxTest, KeyFromEnvironmentVariableOrFile) {
  SecretKey key = SecretKey::Generate();
  ::unsetenv("ARBOR_CATALOG_KEY");
  ::unsetenv("ARBOR_CATALOG_KEY_FILE");
  auto none = SecretKey::FromEnvironment();
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());

  ::setenv("ARBOR_CATALOG_KEY", key.Hex().c_str(), 1);
  auto from_env = SecretKey::FromEnvironment();
  ASSERT_TRUE(from_env.ok() && from_env->has_value());
  EXPECT_EQ((*from_env)->Fingerprint(), key.Fingerprint());
  ::unsetenv("ARBOR_CATALOG_KEY");

  std::string path = ::testing::TempDir() + "/arbor-key-" + std::to_string(::getpid());
  ASSERT_TRUE(WriteFileAtomic(path, key.Hex() + "\n").ok());
  ::setenv("ARBOR_CATALOG_KEY_FILE", path.c_str(), 1);
  auto from_file = SecretKey::FromEnvironment();
  ASSERT_TRUE(from_file.ok() && from_file->has_value()) << from_file.status().ToString();
  EXPECT_EQ((*from_file)->Fingerprint(), key.Fingerprint());

  ::setenv("ARBOR_CATALOG_KEY", "not-hex", 1);
  EXPECT_FALSE(SecretKey::FromEnvironment().ok());
  ::unsetenv("ARBOR_CATALOG_KEY");
  ::unsetenv("ARBOR_CATALOG_KEY_FILE");
  ::unlink(path.c_str());
}

}  // namespace
}  // namespace arbor::catalog
