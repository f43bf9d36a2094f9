#include "azure/error_status.h"

#include <gtest/gtest.h>

namespace arbor::azure {
namespace {

TEST(ErrorStatusTest, MapsCodesToStatuses) {
  auto s = StatusFromServiceError(
      403, {"AuthenticationFailed", "Server failed to authenticate.\nRequestId:1", "MAC mismatch"},
      "list shares");
  EXPECT_TRUE(s.Is(StatusCode::kPermissionDenied));
  EXPECT_NE(s.message().find("check the account key"), std::string::npos);
  EXPECT_NE(s.message().find("MAC mismatch"), std::string::npos);
  EXPECT_EQ(s.service_code(), "AuthenticationFailed");

  s = StatusFromServiceError(404, {"ShareNotFound", "The specified share does not exist.", ""},
                             "list directory '' of share 'x'");
  EXPECT_TRUE(s.Is(StatusCode::kNotFound));
  EXPECT_EQ(s.message(), "list directory '' of share 'x': the share does not exist (404 ShareNotFound)");
  EXPECT_EQ(s.service_code(), "ShareNotFound");

  EXPECT_TRUE(
      StatusFromServiceError(409, {"ShareAlreadyExists", "", ""}, "x").Is(StatusCode::kAlreadyExists));
  EXPECT_TRUE(StatusFromServiceError(409, {"DirectoryNotEmpty", "", ""}, "x").Is(StatusCode::kBusy));
  EXPECT_TRUE(StatusFromServiceError(416, {"InvalidRange", "", ""}, "x").Is(StatusCode::kInvalidArgument));
  EXPECT_TRUE(StatusFromServiceError(503, {"ServerBusy", "", ""}, "x").Is(StatusCode::kUnavailable));
  EXPECT_TRUE(StatusFromServiceError(408, {"OperationTimedOut", "", ""}, "x").Is(StatusCode::kUnavailable));
  EXPECT_TRUE(StatusFromServiceError(500, {"InternalError", "", ""}, "x").Is(StatusCode::kUnavailable));
  EXPECT_TRUE(StatusFromServiceError(504, {}, "x").Is(StatusCode::kUnavailable));
  // Not implemented: permanent, so neither the client nor the job queue retries it.
  auto unsupported =
      StatusFromServiceError(501, {"NotImplemented", "The requested operation is not implemented.", ""}, "x");
  EXPECT_TRUE(unsupported.Is(StatusCode::kUnsupported)) << unsupported.ToString();
  EXPECT_EQ(unsupported.service_code(), "NotImplemented");
  EXPECT_EQ(StatusFromServiceError(500, {}, "a (b)").service_code(), "");
}

// The code is a field of the Status, not parsed back out of the message: a message that
// quotes something looking like another code (a file named "x (409 Busy)"), or a code
// known only from the x-ms-error-code header, still yields the service's code.
TEST(ErrorStatusTest, ServiceCodeIsAFieldNotMessageText) {
  Status s = StatusFromServiceError(404, {"ShareNotFound", "The specified share does not exist.", ""},
                                    "read 'x (409 ShareAlreadyExists)'")
                 .Annotate("backup of 'y (500 InternalError)'");
  EXPECT_TRUE(s.Is(StatusCode::kNotFound));
  EXPECT_EQ(s.service_code(), "ShareNotFound");

  http::HttpResponse head;  // a HEAD answer: no body, the code only in the header
  head.status = 404;
  head.headers = {{"x-ms-error-code", "ResourceNotFound"}};
  Status from_header = StatusFromServiceError(head.status, ServiceErrorOf(head), "get properties");
  EXPECT_TRUE(from_header.Is(StatusCode::kNotFound));
  EXPECT_EQ(from_header.service_code(), "ResourceNotFound");
}

TEST(ErrorStatusTest, BlobServiceCodesSayWhatIsWrong) {
  // A wrong key against Azurite, or an account behind a firewall: not about SAS permissions.
  auto refused = StatusFromServiceError(403, {"AuthorizationFailure", "", ""}, "opening azblob://a/c");
  EXPECT_TRUE(refused.Is(StatusCode::kPermissionDenied));
  EXPECT_NE(refused.message().find("check the account key or SAS token"), std::string::npos) << refused.message();
  auto mismatch = StatusFromServiceError(403, {"AuthorizationPermissionMismatch", "", ""}, "x");
  EXPECT_NE(mismatch.message().find("the SAS token does not allow this operation"), std::string::npos);
  auto missing = StatusFromServiceError(404, {"ContainerNotFound", "", ""}, "listing");
  EXPECT_EQ(missing.message(), "listing: the container does not exist (404 ContainerNotFound)");
}

TEST(ErrorStatusTest, CodeFromBodyOrHeader) {
  http::HttpResponse r;
  r.status = 404;
  r.headers = {{"x-ms-error-code", "ResourceNotFound"}};
  EXPECT_EQ(ServiceErrorOf(r).code, "ResourceNotFound");
  r.body = "<?xml version=\"1.0\"?><Error><Code>ParentNotFound</Code><Message>m</Message></Error>";
  EXPECT_EQ(ServiceErrorOf(r).code, "ParentNotFound");
  r.body = "<garbage";
  EXPECT_EQ(ServiceErrorOf(r).code, "ResourceNotFound");
}

}  // namespace
}  // namespace arbor::azure
