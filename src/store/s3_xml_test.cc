#include "store/s3_xml.h"

#include <gtest/gtest.h>

namespace arbor::s3 {
namespace {

constexpr const char* kListPage = R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>bucket</Name><Prefix>repo/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys>
  <IsTruncated>true</IsTruncated>
  <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
  <Contents><Key>repo/a</Key><LastModified>2009-10-12T17:50:30.000Z</LastModified>
    <ETag>"fba9dede5f27731c9771645a39863328"</ETag><Size>434234</Size><StorageClass>STANDARD</StorageClass></Contents>
  <Contents><Key>repo/b c&amp;d</Key><LastModified>2024-02-29T00:00:01.5Z</LastModified><Size>0</Size></Contents>
</ListBucketResult>)";

TEST(S3XmlTest, ParsesAListPage) {
  auto page = ParseListObjectsV2(kListPage);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->objects.size(), 2U);
  EXPECT_EQ(page->objects[0].key, "repo/a");
  EXPECT_EQ(page->objects[0].size, 434234U);
  EXPECT_EQ(page->objects[0].mtime_ns, 1255369830LL * 1000000000);
  EXPECT_EQ(page->objects[1].key, "repo/b c&d");
  EXPECT_EQ(page->objects[1].size, 0U);
  EXPECT_EQ(page->objects[1].mtime_ns, 1709164801LL * 1000000000 + 500000000);
  EXPECT_TRUE(page->truncated);
  EXPECT_EQ(page->next_continuation_token, "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
}

TEST(S3XmlTest, LastPageAndEmptyListing) {
  auto page = ParseListObjectsV2("<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>");
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->objects.empty());
  EXPECT_FALSE(page->truncated);
}

TEST(S3XmlTest, UrlEncodedKeysAreDecoded) {
  auto page = ParseListObjectsV2(
      "<ListBucketResult><EncodingType>url</EncodingType><IsTruncated>false</IsTruncated>"
      "<Contents><Key>a+b%2Fc%E1%88%B4</Key><LastModified>2020-01-01T00:00:00Z</LastModified><Size>1</Size>"
      "</Contents></ListBucketResult>");
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(page->objects[0].key, "a b/c\xE1\x88\xB4");
  EXPECT_FALSE(ParseListObjectsV2("<ListBucketResult><EncodingType>url</EncodingType><Contents><Key>a%4</Key>"
                                  "<LastModified>2020-01-01T00:00:00Z</LastModified><Size>1</Size></Contents>"
                                  "</ListBucketResult>")
                   .ok());
}

TEST(S3XmlTest, MalformedListingsAreCorruptionNotPartialResults) {
  const char* bad[] = {
      "",
      "not xml",
      "<ListBucketResult><IsTruncated>false</IsTruncated>",  // cut short
      "<Error><Code>x</Code></Error>",                       // wrong root
      // truncated without a token: the rest of the listing would be lost
      "<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>",
      "<ListBucketResult><IsTruncated>maybe</IsTruncated></ListBucketResult>",
      "<ListBucketResult><Contents><LastModified>2020-01-01T00:00:00Z</LastModified><Size>1</Size></Contents>"
      "</ListBucketResult>",  // no key
      "<ListBucketResult><Contents><Key>k</Key><LastModified>2020-01-01T00:00:00Z</LastModified><Size>-1</"
      "Size>"
      "</Contents></ListBucketResult>",
      "<ListBucketResult><Contents><Key>k</Key><LastModified>2020-01-01T00:00:00Z</LastModified>"
      "<Size>99999999999999999999999</Size></Contents></ListBucketResult>",
      "<ListBucketResult><Contents><Key>k</Key><LastModified>yesterday</LastModified><Size>1</Size>"
      "</Contents></ListBucketResult>",
      "<ListBucketResult><Contents><Key>k</Key><Size>1</Size></Contents></ListBucketResult>",  // no time
      "<ListBucketResult><Contents><Key></Key><LastModified>2020-01-01T00:00:00Z</LastModified><Size>1</Size>"
      "</Contents></ListBucketResult>",
  };
  for (const char* xml : bad) {
    auto page = ParseListObjectsV2(xml);
    EXPECT_TRUE(page.status().Is(StatusCode::kCorruption)) << xml;
  }
}

TEST(S3XmlTest, ParsesErrors) {
  auto e = ParseError(
      "<?xml version=\"1.0\"?><Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist"
      "</Message><BucketName>b</BucketName></Error>");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->code, "NoSuchBucket");
  EXPECT_EQ(e->message, "The specified bucket does not exist");
  auto redirect = ParseError("<Error><Code>PermanentRedirect</Code><Region>eu-west-1</Region></Error>");
  ASSERT_TRUE(redirect.ok());
  EXPECT_EQ(redirect->region, "eu-west-1");
  EXPECT_FALSE(ParseError("<Error><Message>no code</Message></Error>").ok());
  EXPECT_FALSE(ParseError("<Error><Code></Code></Error>").ok());
  EXPECT_FALSE(ParseError("<html><body>502 Bad Gateway</body></html>").ok());
  EXPECT_FALSE(ParseError("<Error><Code>x</Code>").ok());
}

TEST(S3XmlTest, MultipartDocuments) {
  auto id = ParseInitiateMultipartUpload(
      "<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>VXBsb2FkIElE</UploadId>"
      "</InitiateMultipartUploadResult>");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, "VXBsb2FkIElE");
  EXPECT_FALSE(ParseInitiateMultipartUpload("<InitiateMultipartUploadResult><UploadId/>"
                                            "</InitiateMultipartUploadResult>")
                   .ok());
  EXPECT_FALSE(ParseInitiateMultipartUpload("<InitiateMultipartUploadResult>").ok());

  auto done = ParseCompleteMultipartUpload(
      "<CompleteMultipartUploadResult><Location>x</Location><ETag>\"e-2\"</ETag></"
      "CompleteMultipartUploadResult>");
  ASSERT_TRUE(done.ok());
  EXPECT_FALSE(done->has_value());
  // A 200 answer whose body is an error: the upload failed.
  auto failed =
      ParseCompleteMultipartUpload("<Error><Code>InternalError</Code><Message>retry</Message></Error>");
  ASSERT_TRUE(failed.ok());
  ASSERT_TRUE(failed->has_value());
  EXPECT_EQ((*failed)->code, "InternalError");
  EXPECT_FALSE(ParseCompleteMultipartUpload("").ok());
  EXPECT_FALSE(ParseCompleteMultipartUpload("<CompleteMultipartUploadResult>").ok());
}

TEST(S3XmlTest, UploadListing) {
  auto page = ParseListMultipartUploads(
      "<ListMultipartUploadsResult><Bucket>b</Bucket><IsTruncated>true</IsTruncated>"
      "<NextKeyMarker>p/k2</NextKeyMarker><NextUploadIdMarker>id2</NextUploadIdMarker>"
      "<Upload><Key>p/k1</Key><UploadId>id1</UploadId><Initiated>2010-11-10T20:48:33.000Z</Initiated></"
      "Upload>"
      "<Upload><Key>p/k2</Key><UploadId>id2</UploadId><Initiated>2010-11-10T20:49:33.000Z</Initiated></"
      "Upload>"
      "</ListMultipartUploadsResult>");
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->uploads.size(), 2U);
  EXPECT_EQ(page->uploads[1].key, "p/k2");
  EXPECT_EQ(page->uploads[1].upload_id, "id2");
  EXPECT_EQ(page->uploads[0].initiated_ns, 1289422113LL * 1000000000);
  EXPECT_EQ(page->next_key_marker, "p/k2");
  EXPECT_EQ(page->next_upload_id_marker, "id2");
  EXPECT_FALSE(ParseListMultipartUploads("<ListMultipartUploadsResult><IsTruncated>true</IsTruncated>"
                                         "</ListMultipartUploadsResult>")
                   .ok());
  EXPECT_FALSE(ParseListMultipartUploads("<ListMultipartUploadsResult><Upload><Key>k</Key>"
                                         "<Initiated>2010-11-10T20:48:33Z</Initiated></Upload>"
                                         "</ListMultipartUploadsResult>")
                   .ok());
}

TEST(S3XmlTest, CompleteBodyListsPartsInOrder) {
  std::string body = CompleteMultipartUploadBody({{1, "\"a&b\""}, {2, "\"c\""}});
  EXPECT_EQ(body,
            "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Part><PartNumber>1"
            "</PartNumber><ETag>\"a&amp;b\"</ETag></Part><Part><PartNumber>2</PartNumber><ETag>\"c\"</ETag>"
            "</Part></CompleteMultipartUpload>");
}

TEST(S3XmlTest, Times) {
  EXPECT_EQ(*ParseIso8601("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*ParseIso8601("2015-08-30T12:36:00.123Z"), 1440938160LL * 1000000000 + 123000000);
  EXPECT_FALSE(ParseIso8601("2015-08-30T12:36:00").ok());
  EXPECT_FALSE(ParseIso8601("2015-13-30T12:36:00Z").ok());
  EXPECT_FALSE(ParseIso8601("2015-08-30T12:36:00Zjunk").ok());
  EXPECT_FALSE(ParseIso8601("").ok());
  EXPECT_EQ(*ParseHttpDate("Sun, 30 Aug 2015 12:36:00 GMT"), 1440938160LL * 1000000000);
  EXPECT_FALSE(ParseHttpDate("Sun, 30 Aug 2015").ok());
  EXPECT_FALSE(ParseHttpDate("garbage").ok());
}

}  // namespace
}  // namespace arbor::s3
