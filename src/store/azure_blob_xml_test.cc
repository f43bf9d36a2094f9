#include "store/azure_blob_xml.h"

#include <gtest/gtest.h>

#include "azure/crypto.h"

namespace arbor::azblob {
namespace {

TEST(AzureBlobXmlTest, ParsesAListingPage) {
  auto page = ParseBlobList(R"(<?xml version="1.0" encoding="utf-8"?>
<EnumerationResults ServiceEndpoint="http://127.0.0.1:10000/devstoreaccount1" ContainerName="repo">
  <Prefix>p/t/</Prefix><Marker /><MaxResults>5000</MaxResults>
  <Blobs>
    <Blob><Name>p/t/packs/aa/1</Name><Properties><Last-Modified>Mon, 05 Jan 2026 10:00:00 GMT</Last-Modified>
      <Etag>0x8DB</Etag><Content-Length>33554432</Content-Length><BlobType>BlockBlob</BlobType>
      <AccessTier>Cool</AccessTier></Properties></Blob>
    <Blob><Name Encoded="true">p/t/odd%01name</Name><Properties><Content-Length>0</Content-Length></Properties></Blob>
  </Blobs>
  <NextMarker>2!88!MDAwMDI1IXAvdC9vZGQBbmFtZQ--</NextMarker>
</EnumerationResults>)");
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->blobs.size(), 2u);
  EXPECT_EQ(page->blobs[0].name, "p/t/packs/aa/1");
  EXPECT_EQ(page->blobs[0].size, 33554432u);
  EXPECT_EQ(page->blobs[0].mtime_ns, 1767607200LL * 1000000000LL);
  EXPECT_EQ(page->blobs[0].access_tier, "Cool");
  EXPECT_EQ(page->blobs[1].name, std::string("p/t/odd\x01name"));
  EXPECT_EQ(page->blobs[1].size, 0u);
  EXPECT_EQ(page->next_marker, "2!88!MDAwMDI1IXAvdC9vZGQBbmFtZQ--");
}

TEST(AzureBlobXmlTest, TheLastPageHasNoMarker) {
  auto page = ParseBlobList("<EnumerationResults><Blobs /><NextMarker /></EnumerationResults>");
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->blobs.empty());
  EXPECT_TRUE(page->next_marker.empty());
}

TEST(AzureBlobXmlTest, RefusesBrokenListings) {
  // Cut off mid-document (a connection dropped mid-body), a blob without size, another root.
  EXPECT_TRUE(
      ParseBlobList("<EnumerationResults><Blobs><Blob><Name>a</Name>").status().Is(StatusCode::kCorruption));
  EXPECT_TRUE(ParseBlobList("<EnumerationResults><Blobs><Blob><Name>a</Name><Properties/></Blob></Blobs>"
                            "</EnumerationResults>")
                  .status()
                  .Is(StatusCode::kCorruption));
  EXPECT_TRUE(ParseBlobList("<Error><Code>x</Code></Error>").status().Is(StatusCode::kCorruption));
}

TEST(AzureBlobXmlTest, BlockIdsHaveOneLengthAndDiffer) {
  std::string a = BlockId("0123456789abcdef", 0);
  std::string b = BlockId("0123456789abcdef", 99999);
  std::string c = BlockId("fedcba9876543210", 0);
  EXPECT_EQ(a.size(), b.size());
  EXPECT_NE(a, b);
  EXPECT_NE(a, c);
  EXPECT_EQ(*azure::Base64Decode(b), "0123456789abcdef-00099999");
}

TEST(AzureBlobXmlTest, BlockListNamesEveryBlockInOrder) {
  EXPECT_EQ(BlockListXml({"QQ==", "Qg=="}),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList><Latest>QQ==</Latest><Latest>Qg==</Latest>"
            "</BlockList>");
}

}  // namespace
}  // namespace arbor::azblob
