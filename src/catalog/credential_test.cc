#include "catalog/credential.h"

#include <gtest/gtest.h>
#include <stdlib.h>

namespace arbor::catalog {
namespace {

TEST(CredentialTest, InlineIsSealedAndResolvesWithTheSameRow) {
  SecretKey key = SecretKey::Generate();
  auto stored = EncodeCredential(CredentialInput::Inline("sv=2024&sig=abc"), &key, "share:t/s");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->find("sig=abc"), std::string::npos);
  EXPECT_EQ(DescribeCredential(*stored).rfind("encrypted", 0), 0u);
  auto secret = ResolveCredential(*stored, &key, "share:t/s");
  ASSERT_TRUE(secret.ok());
  EXPECT_EQ(secret->reveal(), "sv=2024&sig=abc");
  EXPECT_FALSE(ResolveCredential(*stored, &key, "share:t/other").ok());
}

TEST(CredentialTest, InlineWithoutKeyIsRefusedWithAHint) {
  Status st = EncodeCredential(CredentialInput::Inline("secret"), nullptr, "aad").status();
  EXPECT_TRUE(st.Is(StatusCode::kInvalidArgument));
  EXPECT_NE(st.message().find("ARBOR_CATALOG_KEY"), std::string::npos);
}

TEST(CredentialTest, EnvironmentReferenceStoresOnlyTheName) {
  auto stored = EncodeCredential(CredentialInput::FromEnv("AZ_KEY_TEST"), nullptr, "aad");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(*stored, "env:AZ_KEY_TEST");
  EXPECT_EQ(DescribeCredential(*stored), "env:AZ_KEY_TEST");
  ::unsetenv("AZ_KEY_TEST");
  EXPECT_TRUE(ResolveCredential(*stored, nullptr, "aad").status().Is(StatusCode::kNotFound));
  ::setenv("AZ_KEY_TEST", "value", 1);
  EXPECT_EQ(ResolveCredential(*stored, nullptr, "aad").value().reveal(), "value");
  ::unsetenv("AZ_KEY_TEST");
  EXPECT_FALSE(EncodeCredential(CredentialInput::FromEnv("1BAD-NAME"), nullptr, "aad").ok());
}

TEST(CredentialTest, NoneIsEmpty) {
  EXPECT_EQ(EncodeCredential(CredentialInput::None(), nullptr, "aad").value(), "");
  EXPECT_EQ(DescribeCredential(""), "none");
  EXPECT_TRUE(ResolveCredential("", nullptr, "aad").value().empty());
}

}  // namespace
}  // namespace arbor::catalog
