#include "azure/listing_xml.h"

#include <gtest/gtest.h>

#include "azure/file_attributes.h"

namespace arbor::azure {
namespace {

// The shape recorded from the live service (see the REST reference), with include= set.
constexpr char kServiceSample[] =
    R"(<?xml version="1.0" encoding="utf-8"?><EnumerationResults ServiceEndpoint="https://a.file.core.windows.net/" ShareName="s" DirectoryPath="dir"><MaxResults>2</MaxResults><DirectoryId>13835128424026341376</DirectoryId><Entries><File><Name>f</Name><FileId>11529285414812647424</FileId><Properties><Content-Length>1024</Content-Length><CreationTime>2023-02-06T06:58:59.6799025Z</CreationTime><LastAccessTime>2023-02-06T06:58:59.6799025Z</LastAccessTime><LastWriteTime>2023-02-06T06:58:59.6799025Z</LastWriteTime><ChangeTime>2023-02-06T06:58:59.6799025Z</ChangeTime><Last-Modified>Mon, 06 Feb 2023 06:58:59 GMT</Last-Modified><Etag>"0x8DB080F9F83BA31"</Etag></Properties><Attributes>Archive</Attributes><PermissionKey>9212185477508673717*1658283376881248060</PermissionKey></File><Directory><Name Encoded="true">dir%EF%BF%BE0</Name><FileId>42</FileId><Properties /></Directory></Entries><NextMarker>2!100!MDAw</NextMarker></EnumerationResults>)";

TEST(ListingXmlTest, ParsesTheServiceShape) {
  auto page = ParseDirectoryListing(kServiceSample);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(page->share_name, "s");
  EXPECT_EQ(page->directory_path, "dir");
  EXPECT_EQ(page->directory_id, 13835128424026341376ull);
  EXPECT_EQ(page->max_results, 2u);
  ASSERT_EQ(page->entries.size(), 2u);
  const DirectoryEntry& f = page->entries[0];
  EXPECT_FALSE(f.is_directory);
  EXPECT_EQ(f.file_id, 11529285414812647424ull);
  EXPECT_EQ(f.size, 1024u);
  EXPECT_EQ(FormatSmbTime(*f.change_time), "2023-02-06T06:58:59.6799025Z");
  EXPECT_EQ(f.etag, "\"0x8DB080F9F83BA31\"");
  EXPECT_EQ(*f.attributes, kAttrArchive);
  EXPECT_EQ(f.permission_key, "9212185477508673717*1658283376881248060");
  const DirectoryEntry& d = page->entries[1];
  EXPECT_TRUE(d.is_directory);
  EXPECT_EQ(d.name, "dir\xef\xbf\xbe" "0");
  EXPECT_FALSE(d.creation_time.has_value());
  EXPECT_EQ(page->next_marker, "2!100!MDAw");
}

DirectoryPage ExamplePage() {
  DirectoryPage p;
  p.service_endpoint = "http://127.0.0.1:1/devstoreaccount1";
  p.share_name = "share";
  p.share_snapshot = "2026-01-05T10:00:00.0000000Z";
  p.directory_path = "a b/\xc3\xa9";
  p.prefix = "x";
  p.marker = "m1";
  p.max_results = 5000;
  p.directory_id = 7;
  DirectoryEntry f;
  f.name = " ";
  f.file_id = UINT64_MAX;
  f.size = 4ull << 40;
  f.creation_time = FileTime{1};
  f.last_access_time = FileTime{2};
  f.last_write_time = FileTime{-3};
  f.change_time = FileTime{4};
  f.last_modified = FileTime::FromUnixSeconds(1700000000);
  f.etag = "\"0x1\"";
  f.attributes = kAttrReadOnly | kAttrHidden;
  f.permission_key = "1*2";
  DirectoryEntry d;
  d.name = "ctrl\x01<&>\"";
  d.is_directory = true;
  d.file_id = 9;
  p.entries = {f, d};
  p.next_marker = "next";
  return p;
}

TEST(ListingXmlTest, WriterAndParserRoundTrip) {
  DirectoryPage p = ExamplePage();
  auto back = ParseDirectoryListing(WriteDirectoryListing(p));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, p);
  p.entries.clear();
  p.next_marker.clear();
  p.directory_path = "bad\x02path";
  back = ParseDirectoryListing(WriteDirectoryListing(p));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, p);
}

TEST(ListingXmlTest, EveryTruncationIsCorruption) {
  std::string full = WriteDirectoryListing(ExamplePage());
  for (size_t len = 0; len < full.size(); ++len) {
    auto r = ParseDirectoryListing(std::string_view(full).substr(0, len));
    ASSERT_FALSE(r.ok()) << "prefix of " << len << " bytes parsed";
    EXPECT_TRUE(r.status().Is(StatusCode::kCorruption)) << r.status().ToString();
  }
}

TEST(ListingXmlTest, RejectsMalformedDocuments) {
  const char* bad[] = {
      "",
      "not xml",
      "<Error><Code>x</Code></Error>",
      "<EnumerationResults><NextMarker/></EnumerationResults>",
      "<EnumerationResults><Entries/></EnumerationResults>",
      "<EnumerationResults><Entries><File><FileId>1</FileId><Properties><Content-Length>1</Content-Length></Properties></File></Entries><NextMarker/></EnumerationResults>",
      "<EnumerationResults><Entries><File><Name>a</Name><Properties><Content-Length>1</Content-Length></Properties></File></Entries><NextMarker/></EnumerationResults>",
      "<EnumerationResults><Entries><File><Name>a</Name><FileId>x1</FileId><Properties><Content-Length>1</Content-Length></Properties></File></Entries><NextMarker/></EnumerationResults>",
      "<EnumerationResults><Entries><File><Name>a</Name><FileId>1</FileId><Properties/></File></Entries><NextMarker/></EnumerationResults>",
      "<EnumerationResults><Entries><File><Name>a</Name><FileId>1</FileId><Properties><Content-Length>-1</Content-Length></Properties></File></Entries><NextMarker/></EnumerationResults>",
      "<EnumerationResults><Entries><File><Name>a</Name><FileId>1</FileId><Properties><Content-Length>99999999999999999999999</Content-Length></Properties></File></Entries><NextMarker/></EnumerationResults>",
      "<EnumerationResults><Entries><Directory><Name>a/b</Name><FileId>1</FileId><Properties/></Directory></Entries><NextMarker/></EnumerationResults>",
      "<EnumerationResults><Entries><Directory><Name Encoded=\"true\">a%2</Name><FileId>1</FileId><Properties/></Directory></Entries><NextMarker/></EnumerationResults>",
      "<EnumerationResults><Entries><Directory><Name>a</Name><FileId>1</FileId><Properties><CreationTime>yesterday</CreationTime></Properties></Directory></Entries><NextMarker/></EnumerationResults>",
      "<EnumerationResults><Entries><Directory><Name>a</Name><FileId>1</FileId><Properties/><Attributes>Sparkly</Attributes></Directory></Entries><NextMarker/></EnumerationResults>",
      "<EnumerationResults><Entries><Directory><Name></Name><FileId>1</FileId><Properties/></Directory></Entries><NextMarker/></EnumerationResults>",
      "<EnumerationResults><Entries></Entries><NextMarker/></EnumerationResults><extra/>",
  };
  for (const char* doc : bad) {
    auto r = ParseDirectoryListing(doc);
    EXPECT_FALSE(r.ok()) << doc;
    EXPECT_TRUE(r.status().Is(StatusCode::kCorruption)) << doc << " -> " << r.status().ToString();
  }
}

TEST(ListingXmlTest, IgnoresUnknownElements) {
  auto r = ParseDirectoryListing(
      "<EnumerationResults><Entries><Future/><Directory><Name>a</Name><FileId>1</FileId><Properties/>"
      "<NewThing>1</NewThing></Directory></Entries><NextMarker/></EnumerationResults>");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->entries.size(), 1u);
}

}  // namespace
}  // namespace arbor::azure
