#include "azure/credentials.h"

#include <gtest/gtest.h>

#include <map>

namespace arbor::azure {
namespace {

constexpr char kKey[] =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars](const char* name) -> std::optional<std::string> {
    auto it = vars.find(name);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

TEST(CredentialsTest, ConnectionStringWithKeyAndSuffix) {
  auto c = ParseConnectionString(std::string("DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=") +
                                 kKey + ";EndpointSuffix=core.chinacloudapi.cn");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->account, "acme");
  EXPECT_EQ(c->key.size(), 64u);
  EXPECT_EQ(c->endpoint, "https://acme.file.core.chinacloudapi.cn");
  EXPECT_TRUE(c->HasSharedKey());
  EXPECT_EQ(c->ToString().find(kKey), std::string::npos);
}

TEST(CredentialsTest, ConnectionStringWithFileEndpointAndSas) {
  auto c = ParseConnectionString(
      "AccountName=devstoreaccount1;FileEndpoint=http://127.0.0.1:10004/devstoreaccount1/;"
      "SharedAccessSignature=sv=2025-01-05&ss=f&srt=sco&sp=rl&se=2030-01-01T00%3A00%3A00Z&sig=abc%3D");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->endpoint, "http://127.0.0.1:10004/devstoreaccount1");
  EXPECT_TRUE(c->HasSas());
  EXPECT_FALSE(c->HasSharedKey());
  EXPECT_EQ(c->sas_token.substr(0, 14), "sv=2025-01-05&");
}

TEST(CredentialsTest, ConnectionStringErrors) {
  EXPECT_FALSE(ParseConnectionString("AccountKey=abc").ok());
  EXPECT_FALSE(ParseConnectionString("AccountName=a1").ok());
  EXPECT_FALSE(ParseConnectionString("AccountName=a1;AccountKey=not*base64").ok());
  EXPECT_FALSE(ParseConnectionString("DefaultEndpointsProtocol=ftp;AccountName=a1;AccountKey=YWJj").ok());
  EXPECT_FALSE(ParseConnectionString("AccountName=Upper;AccountKey=YWJj").ok());
}

TEST(CredentialsTest, EnvironmentPrecedence) {
  auto c =
      CredentialsFromEnvironment(FakeEnv({{"AZURE_STORAGE_ACCOUNT", "acme"}, {"AZURE_STORAGE_KEY", kKey}}));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->endpoint, "https://acme.file.core.windows.net");
  c = CredentialsFromEnvironment(
      FakeEnv({{"AZURE_STORAGE_ACCOUNT", "acme"}, {"AZURE_STORAGE_SAS_TOKEN", "?sv=1&sig=x"}}),
      "http://127.0.0.1:1/acme/");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->sas_token, "sv=1&sig=x");
  EXPECT_EQ(c->endpoint, "http://127.0.0.1:1/acme");
  c = CredentialsFromEnvironment(
      FakeEnv({{"AZURE_STORAGE_CONNECTION_STRING", std::string("AccountName=cs;AccountKey=") + kKey},
               {"AZURE_STORAGE_ACCOUNT", "acme"},
               {"AZURE_STORAGE_KEY", kKey}}));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->account, "cs");
  EXPECT_TRUE(CredentialsFromEnvironment(FakeEnv({})).status().Is(StatusCode::kNotFound));
}

TEST(CredentialsTest, BlobServiceTakesBlobEndpointAndBlobHost) {
  // Azurite's connection string names both endpoints; the Blob service must pick its own.
  auto c = ParseConnectionString(
      std::string("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=") + kKey +
          ";BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;"
          "FileEndpoint=http://127.0.0.1:10004/devstoreaccount1;",
      Service::kBlob);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->endpoint, "http://127.0.0.1:10000/devstoreaccount1");
  c = ParseConnectionString(std::string("AccountName=acme;AccountKey=") + kKey, Service::kBlob);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->endpoint, "https://acme.blob.core.windows.net");
  c = CredentialsFromEnvironment(
      FakeEnv({{"AZURE_STORAGE_ACCOUNT", "acme"}, {"AZURE_STORAGE_SAS_TOKEN", "sv=1&sig=x"}}), {},
      Service::kBlob);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->endpoint, "https://acme.blob.core.windows.net");
}

TEST(CredentialsTest, ASharesSecretInAnyOfItsForms) {
  const std::string key = "a2V5Ynl0ZXM=";  // "keybytes"
  auto by_key = CredentialsFromSecret("acct", key + "\n", "http://127.0.0.1:9/acct/");
  ASSERT_TRUE(by_key.ok()) << by_key.status().ToString();
  EXPECT_EQ(by_key->key, "keybytes");
  EXPECT_EQ(by_key->endpoint, "http://127.0.0.1:9/acct");

  auto by_sas = CredentialsFromSecret("acct", "?sv=2025-01-05&sig=abc", "");
  ASSERT_TRUE(by_sas.ok());
  EXPECT_EQ(by_sas->sas_token, "sv=2025-01-05&sig=abc");
  EXPECT_EQ(by_sas->endpoint, "https://acct.file.core.windows.net");

  auto by_string =
      CredentialsFromSecret("acct", "AccountName=acct;AccountKey=" + key, "http://127.0.0.1:9/acct");
  ASSERT_TRUE(by_string.ok());
  EXPECT_EQ(by_string->endpoint, "http://127.0.0.1:9/acct") << "the share's location wins";

  auto other = CredentialsFromSecret("acct", "AccountName=other;AccountKey=" + key, "");
  EXPECT_EQ(other.status().code(), StatusCode::kInvalidArgument);
  auto junk = CredentialsFromSecret("acct", "not a key!", "");
  EXPECT_EQ(junk.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(junk.status().message().find("not a key"), std::string::npos) << "the secret is never echoed";
  EXPECT_FALSE(CredentialsFromSecret("acct", "  ", "").ok());
}

}  // namespace
}  // namespace arbor::azure
