#include "azure/shared_key.h"

#include <gtest/gtest.h>

#include "azure/crypto.h"

namespace arbor::azure {
namespace {

constexpr char kAccount[] = "devstoreaccount1";
constexpr char kKey[] = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
constexpr char kDate[] = "Mon, 05 Jan 2026 10:00:00 GMT";

std::string Key() { return *Base64Decode(kKey); }

// Vector A of the reference: list a directory.
TEST(SharedKeyTest, VectorAListDirectory) {
  SignableRequest r{"GET", "/backupshare/dir1",
                    "restype=directory&comp=list&include=Timestamps%2CEtag%2CAttributes%2CPermissionKey&maxresults=5000",
                    {{"x-ms-version", "2025-01-05"}, {"x-ms-date", kDate}}};
  auto sts = SharedKeyStringToSign(r, kAccount);
  ASSERT_TRUE(sts.ok());
  EXPECT_EQ(*sts,
            "GET\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:Mon, 05 Jan 2026 10:00:00 GMT\nx-ms-version:2025-01-05\n"
            "/devstoreaccount1/backupshare/dir1\ncomp:list\ninclude:Timestamps,Etag,Attributes,PermissionKey\n"
            "maxresults:5000\nrestype:directory");
  EXPECT_EQ(*SharedKeySignature(r, kAccount, Key()), "nW2HrxGurQgLUhGffaT1HJWO4OPgsF4UG2spNz9JuZM=");
}

// Vector B: Put Range of 4 bytes to a path with a space.
TEST(SharedKeyTest, VectorBPutRange) {
  SignableRequest r{"PUT", "/backupshare/dir1/a%20b.txt", "comp=range",
                    {{"Content-Length", "4"}, {"x-ms-write", "update"}, {"x-ms-range", "bytes=0-3"},
                     {"x-ms-version", "2025-01-05"}, {"x-ms-date", kDate}}};
  EXPECT_EQ(*SharedKeySignature(r, kAccount, Key()), "HLO7pq0cLT3w/HJNzoRIUwBTgXn7irW+iIgeJ4StLa8=");
}

// Vector C: Create File with Content-Length 0, which signs as an empty line.
TEST(SharedKeyTest, VectorCCreateFile) {
  SignableRequest r{"PUT", "/backupshare/dir1/a%20b.txt", "",
                    {{"Content-Length", "0"}, {"x-ms-type", "file"}, {"x-ms-content-length", "1024"},
                     {"x-ms-file-attributes", "Archive"}, {"x-ms-file-creation-time", "now"},
                     {"x-ms-file-last-write-time", "now"}, {"x-ms-file-permission", "inherit"},
                     {"x-ms-version", "2025-01-05"}, {"x-ms-date", kDate}}};
  EXPECT_EQ(*SharedKeySignature(r, kAccount, Key()), "MR9k1nEdaAN6A2mj/13vQWgigAkDMvCQzgTQpKFEdIg=");
}

TEST(SharedKeyTest, DateLineIsEmptyWhenXmsDateIsSent) {
  SignableRequest r{"get", "/s", "", {{"Date", kDate}, {"x-ms-date", kDate}}};
  auto sts = SharedKeyStringToSign(r, "a");
  ASSERT_TRUE(sts.ok());
  EXPECT_EQ(sts->substr(0, 16), "GET\n\n\n\n\n\n\n\n\n\n\n\nx");
  SignableRequest only_date{"GET", "/s", "", {{"Date", kDate}}};
  EXPECT_NE(SharedKeyStringToSign(only_date, "a")->find(kDate), std::string::npos);
}

TEST(SharedKeyTest, RepeatedQueryParametersAreJoinedSorted) {
  SignableRequest r{"GET", "/s", "COMP=list&b=2&b=1&a=x%2Cy", {}};
  auto sts = SharedKeyStringToSign(r, "acct");
  ASSERT_TRUE(sts.ok());
  EXPECT_NE(sts->find("/acct/s\na:x,y\nb:1,2\ncomp:list"), std::string::npos) << *sts;
}

TEST(SharedKeyTest, MetadataHeadersUseCultureOrder) {
  SignableRequest r{"PUT", "/s", "", {{"x-ms-meta-a-b", "3"}, {"x-ms-meta-ab", "2"}, {"x-ms-meta-i0", "5"},
                                      {"x-ms-meta-i_", "4"}, {"X-MS-META-AA", " 1 "}}};
  auto sts = SharedKeyStringToSign(r, "acct");
  ASSERT_TRUE(sts.ok());
  EXPECT_NE(sts->find("x-ms-meta-aa:1\nx-ms-meta-ab:2\nx-ms-meta-a-b:3\nx-ms-meta-i_:4\nx-ms-meta-i0:5\n"),
            std::string::npos)
      << *sts;
}

TEST(SharedKeyTest, RejectsDuplicateHeadersAndBadEscapes) {
  SignableRequest dup{"GET", "/s", "", {{"x-ms-date", "a"}, {"X-Ms-Date", "b"}}};
  EXPECT_FALSE(SharedKeyStringToSign(dup, "a").ok());
  SignableRequest esc{"GET", "/s", "comp=%zz", {}};
  EXPECT_FALSE(SharedKeyStringToSign(esc, "a").ok());
}

TEST(SharedKeyTest, AuthorizationHeaderRoundTrip) {
  auto h = ParseSharedKeyAuthorization(SharedKeyAuthorization("acct", "c2ln"));
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->account, "acct");
  EXPECT_EQ(h->signature, "c2ln");
  EXPECT_FALSE(ParseSharedKeyAuthorization("Bearer xyz").ok());
  EXPECT_FALSE(ParseSharedKeyAuthorization("SharedKey nocolon").ok());
  EXPECT_FALSE(ParseSharedKeyAuthorization("SharedKey :sig").ok());
}

}  // namespace
}  // namespace arbor::azure
