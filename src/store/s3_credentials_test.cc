#include "store/s3_credentials.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <map>

#include "base/file_util.h"

namespace arbor::s3 {
namespace {

EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) {
    auto it = vars.find(name);
    return it == vars.end() ? std::string() : it->second;
  };
}

constexpr const char* kFile = R"(# comment
[default]
aws_access_key_id = AKDEFAULT
aws_secret_access_key=SKDEFAULT

[backup]
; another comment
aws_access_key_id = AKBACKUP
aws_secret_access_key = SK/BACKUP+=
aws_session_token = TOKEN
[broken]
aws_access_key_id = AKONLY
)";

TEST(S3CredentialsTest, EnvironmentComesFirst) {
  auto c = LoadCredentials(FakeEnv({{"AWS_ACCESS_KEY_ID", "AK"},
                                    {"AWS_SECRET_ACCESS_KEY", "SK"},
                                    {"AWS_SESSION_TOKEN", "TOK"},
                                    {"HOME", "/nonexistent"}}));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->access_key_id, "AK");
  EXPECT_EQ(c->secret_access_key, "SK");
  EXPECT_EQ(c->session_token, "TOK");
}

TEST(S3CredentialsTest, HalfSetEnvironmentIsAnErrorWithoutTheSecret) {
  auto c = LoadCredentials(FakeEnv({{"AWS_ACCESS_KEY_ID", "AK"}}));
  EXPECT_TRUE(c.status().Is(StatusCode::kInvalidArgument));
  auto d = LoadCredentials(FakeEnv({{"AWS_SECRET_ACCESS_KEY", "TOPSECRET"}}));
  EXPECT_TRUE(d.status().Is(StatusCode::kInvalidArgument));
  EXPECT_EQ(d.status().message().find("TOPSECRET"), std::string::npos);
}

TEST(S3CredentialsTest, ProfilesOfTheSharedFile) {
  auto def = ParseCredentialsFile(kFile, "default");
  ASSERT_TRUE(def.ok());
  EXPECT_EQ(def->access_key_id, "AKDEFAULT");
  EXPECT_EQ(def->secret_access_key, "SKDEFAULT");
  EXPECT_TRUE(def->session_token.empty());
  auto backup = ParseCredentialsFile(kFile, "backup");
  ASSERT_TRUE(backup.ok());
  EXPECT_EQ(backup->secret_access_key, "SK/BACKUP+=");
  EXPECT_EQ(backup->session_token, "TOKEN");
  EXPECT_TRUE(ParseCredentialsFile(kFile, "broken").status().Is(StatusCode::kNotFound));
  EXPECT_TRUE(ParseCredentialsFile(kFile, "missing").status().Is(StatusCode::kNotFound));
  EXPECT_TRUE(ParseCredentialsFile("", "default").status().Is(StatusCode::kNotFound));
}

TEST(S3CredentialsTest, FileFromTheEnvironmentWithProfile) {
  std::string path = std::string(::testing::TempDir()) + "/s3_credentials_test_" + std::to_string(::getpid());
  ASSERT_TRUE(WriteFileAtomic(path, kFile).ok());
  auto c = LoadCredentials(FakeEnv({{"AWS_SHARED_CREDENTIALS_FILE", path}, {"AWS_PROFILE", "backup"}}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "AKBACKUP");
  auto missing_profile =
      LoadCredentials(FakeEnv({{"AWS_SHARED_CREDENTIALS_FILE", path}, {"AWS_PROFILE", "nope"}}));
  EXPECT_TRUE(missing_profile.status().Is(StatusCode::kInvalidArgument));
  ::unlink(path.c_str());
  EXPECT_TRUE(LoadCredentials(FakeEnv({{"AWS_SHARED_CREDENTIALS_FILE", path}}))
                  .status()
                  .Is(StatusCode::kInvalidArgument));
}

TEST(S3CredentialsTest, NothingAnywhereIsPermissionDeniedWithAHint) {
  auto c = LoadCredentials(FakeEnv({{"HOME", "/nonexistent"}}));
  EXPECT_TRUE(c.status().Is(StatusCode::kPermissionDenied));
  EXPECT_NE(c.status().message().find("AWS_ACCESS_KEY_ID"), std::string::npos);
}

}  // namespace
}  // namespace arbor::s3
