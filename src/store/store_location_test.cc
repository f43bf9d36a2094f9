#include "store/store_location.h"

#include <gtest/gtest.h>

namespace arbor {
namespace {

TEST(StoreLocationTest, LocalForms) {
  for (const char* text : {"/srv/repo", "/srv/repo/", "local:/srv/repo", "file:///srv/repo"}) {
    auto loc = ParseStoreLocation(text);
    ASSERT_TRUE(loc.ok()) << text;
    EXPECT_TRUE(loc->IsLocal());
    EXPECT_EQ(loc->path, "/srv/repo") << text;
  }
  EXPECT_EQ(ParseStoreLocation("repo")->path, "repo");
  EXPECT_EQ(ParseStoreLocation("/")->path, "/");
}

TEST(StoreLocationTest, RemoteFormsRoundTrip) {
  for (const char* text :
       {"azblob://acct/backups", "azblob://acct/backups/tenant-a/x", "s3://bucket", "s3://bucket/some/prefix",
        "sftp://alice@host.example:2222/srv/backup", "sftp://host/data", "sftp://bob@[::1]:22/r"}) {
    auto loc = ParseStoreLocation(text);
    ASSERT_TRUE(loc.ok()) << text << ": " << loc.status().ToString();
    EXPECT_EQ(loc->ToString(), text);
  }
  auto s3 = ParseStoreLocation("s3://bucket//deep/prefix/");
  EXPECT_EQ(s3->bucket, "bucket");
  EXPECT_EQ(s3->prefix, "deep/prefix");
  auto sftp = ParseStoreLocation("sftp://alice@host:2222/srv/backup");
  EXPECT_EQ(sftp->user, "alice");
  EXPECT_EQ(sftp->host, "host");
  EXPECT_EQ(sftp->port, 2222);
  EXPECT_EQ(sftp->path, "/srv/backup");
  EXPECT_EQ(ParseStoreLocation("sftp://bob@[::1]:22/r")->host, "::1");
}

TEST(StoreLocationTest, BadInputIsAClearError) {
  for (const char* text :
       {"", "azblob://", "azblob://acct", "azblob://acct/", "s3://", "s3://b?x=1", "sftp://host",
        "sftp:///path", "sftp://host:99999/p", "sftp://host:abc/p", "azblob://a b/c"}) {
    auto loc = ParseStoreLocation(text);
    EXPECT_TRUE(loc.status().Is(StatusCode::kInvalidArgument))
        << "'" << text << "' gave " << loc.status().ToString();
  }
  EXPECT_TRUE(ParseStoreLocation("gs://bucket").status().Is(StatusCode::kUnsupported));
  EXPECT_NE(ParseStoreLocation("gs://bucket").status().message().find("azblob://"), std::string::npos);
}

}  // namespace
}  // namespace arbor
