#include "store/s3_client.h"

#include <gtest/gtest.h>

namespace arbor::s3 {
namespace {

StoreLocation Bucket(const std::string& name) {
  StoreLocation loc;
  loc.kind = StoreLocation::Kind::kS3;
  loc.bucket = name;
  return loc;
}

S3Config Config(const std::string& bucket, const std::string& endpoint, const std::string& style,
                const std::string& region = "") {
  StoreOptions o;
  o.s3_endpoint = endpoint;
  o.s3_url_style = style;
  o.s3_region = region;
  auto c = MakeS3Config(Bucket(bucket), o, {"AK", "SK", ""});
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? *c : S3Config{};
}

std::string UrlOf(const S3Config& c, const std::string& key, const QueryList& q = {}) {
  return S3Client(c, http::NewCurlTransport({})).Url(key, q);
}

TEST(S3ClientTest, AwsDefaultsToVirtualHostInTheRegion) {
  S3Config c = Config("my-bucket", "", "", "eu-west-1");
  EXPECT_EQ(c.region, "eu-west-1");
  EXPECT_TRUE(c.virtual_host);
  EXPECT_EQ(UrlOf(c, "repo/a b"), "https://my-bucket.s3.eu-west-1.amazonaws.com/repo/a%20b");
  S3Config us = Config("b", "", "");
  EXPECT_EQ(us.region, "us-east-1");
  EXPECT_EQ(UrlOf(us, "k"), "https://b.s3.us-east-1.amazonaws.com/k");
}

TEST(S3ClientTest, DottedBucketsOnAwsUsePathStyle) {
  S3Config c = Config("my.bucket", "", "");
  EXPECT_FALSE(c.virtual_host);
  EXPECT_EQ(UrlOf(c, "k"), "https://s3.us-east-1.amazonaws.com/my.bucket/k");
}

TEST(S3ClientTest, CustomEndpointDefaultsToPathStyle) {
  S3Config c = Config("b", "http://127.0.0.1:9000/", "");
  EXPECT_EQ(c.scheme, "http");
  EXPECT_EQ(c.host, "127.0.0.1:9000");
  EXPECT_FALSE(c.virtual_host);
  EXPECT_EQ(UrlOf(c, "p/k+1", {{"uploadId", "x/y"}, {"partNumber", "2"}}),
            "http://127.0.0.1:9000/b/p/k%2B1?partNumber=2&uploadId=x%2Fy");
  EXPECT_EQ(UrlOf(c, "", {{"list-type", "2"}}), "http://127.0.0.1:9000/b/?list-type=2");
  S3Config v = Config("b", "minio.example:443", "virtual");
  EXPECT_EQ(v.scheme, "https");
  EXPECT_EQ(v.host, "minio.example");  // the default port is left out, as clients send Host
  EXPECT_EQ(UrlOf(v, "k"), "https://b.minio.example/k");
}

TEST(S3ClientTest, BadEndpointsAndStylesAreRefused) {
  StoreOptions o;
  for (const char* bad : {"ftp://host", "http://", "http://host/path", "host?x", "http://user@host"}) {
    o.s3_endpoint = bad;
    EXPECT_TRUE(MakeS3Config(Bucket("b"), o, {}).status().Is(StatusCode::kInvalidArgument)) << bad;
  }
  o.s3_endpoint = "";
  o.s3_url_style = "vhost";
  EXPECT_TRUE(MakeS3Config(Bucket("b"), o, {}).status().Is(StatusCode::kInvalidArgument));
}

http::HttpResponse Response(int status, const std::string& code, http::HeaderList headers = {}) {
  std::string body = code.empty() ? "" : "<Error><Code>" + code + "</Code><Message>msg</Message></Error>";
  return {status, std::move(headers), body};
}

TEST(S3ClientTest, ErrorsMapToStatusCodes) {
  EXPECT_TRUE(StatusFromResponse(Response(404, "NoSuchBucket"), "x").Is(StatusCode::kNotFound));
  EXPECT_TRUE(StatusFromResponse(Response(404, "NoSuchKey"), "x").Is(StatusCode::kNotFound));
  EXPECT_TRUE(StatusFromResponse(Response(404, ""), "HEAD").Is(StatusCode::kNotFound));
  EXPECT_TRUE(StatusFromResponse(Response(403, "InvalidAccessKeyId"), "x").Is(StatusCode::kPermissionDenied));
  EXPECT_TRUE(StatusFromResponse(Response(403, ""), "HEAD").Is(StatusCode::kPermissionDenied));
  EXPECT_TRUE(StatusFromResponse(Response(400, "ExpiredToken"), "x").Is(StatusCode::kPermissionDenied));
  EXPECT_TRUE(StatusFromResponse(Response(412, "PreconditionFailed"), "x").Is(StatusCode::kAlreadyExists));
  EXPECT_TRUE(StatusFromResponse(Response(501, "NotImplemented"), "x").Is(StatusCode::kUnsupported));
  EXPECT_TRUE(StatusFromResponse(Response(400, "InvalidArgument"), "x").Is(StatusCode::kIOError));
  EXPECT_TRUE(StatusFromResponse(Response(400, "RequestTimeout"), "x").Is(StatusCode::kUnavailable));
  EXPECT_TRUE(StatusFromResponse(Response(502, ""), "x").Is(StatusCode::kUnavailable));
  http::HttpResponse html{500, {}, "<html>oops</html>"};
  EXPECT_TRUE(StatusFromResponse(html, "x").Is(StatusCode::kUnavailable));
}

TEST(S3ClientTest, ThrottlingCarriesRetryAfter) {
  Status st = StatusFromResponse(Response(503, "SlowDown", {{"Retry-After", "7"}}), "PUT s3://b/k");
  EXPECT_TRUE(st.Is(StatusCode::kUnavailable));
  EXPECT_EQ(st.retry_after(), std::chrono::seconds(7));
  EXPECT_EQ(st.message(), "PUT s3://b/k: HTTP 503 SlowDown: msg");
  EXPECT_EQ(
      StatusFromResponse(Response(503, "SlowDown", {{"Retry-After", "soon"}}), "x").retry_after().count(), 0);
}

TEST(S3ClientTest, WrongRegionNamesTheRightOne) {
  http::HttpResponse r{
      301, {{"x-amz-bucket-region", "ap-south-1"}}, "<Error><Code>PermanentRedirect</Code></Error>"};
  Status st = StatusFromResponse(r, "GET s3://b/");
  EXPECT_TRUE(st.Is(StatusCode::kInvalidArgument));
  EXPECT_NE(st.message().find("AWS_REGION=ap-south-1"), std::string::npos) << st.message();
}

TEST(S3ClientTest, RequestsAreClassifiedForCounting) {
  auto op = [](const char* method, const char* key, QueryList q) {
    return ClassifyRequest({method, key, std::move(q), {}, {}});
  };
  EXPECT_EQ(op("PUT", "k", {}), S3Op::kPutObject);
  EXPECT_EQ(op("PUT", "k", {{"partNumber", "1"}, {"uploadId", "u"}}), S3Op::kUploadPart);
  EXPECT_EQ(op("POST", "k", {{"uploads", ""}}), S3Op::kCreateMultipartUpload);
  EXPECT_EQ(op("POST", "k", {{"uploadId", "u"}}), S3Op::kCompleteMultipartUpload);
  EXPECT_EQ(op("DELETE", "k", {{"uploadId", "u"}}), S3Op::kAbortMultipartUpload);
  EXPECT_EQ(op("DELETE", "k", {}), S3Op::kDeleteObject);
  EXPECT_EQ(op("GET", "k", {}), S3Op::kGetObject);
  EXPECT_EQ(op("HEAD", "k", {}), S3Op::kHeadObject);
  EXPECT_EQ(op("GET", "", {{"list-type", "2"}}), S3Op::kListObjects);
  EXPECT_EQ(op("GET", "", {{"uploads", ""}}), S3Op::kListMultipartUploads);
  EXPECT_EQ(S3OpName(S3Op::kUploadPart), "UploadPart");
}

}  // namespace
}  // namespace arbor::s3
