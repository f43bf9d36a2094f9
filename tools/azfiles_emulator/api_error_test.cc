// The emulator's errors are arbor Status values: the service code is a field, the HTTP
// status and the wire text follow from the code's row in the table.
#include "api_error.h"

#include <gtest/gtest.h>

namespace arbor::azfiles {
namespace {

TEST(ApiErrorTest, CodeGivesStatusAndHttpStatus) {
  Status missing = ApiError("ShareNotFound", "The specified share does not exist.");
  EXPECT_TRUE(missing.Is(StatusCode::kNotFound));
  EXPECT_EQ(missing.service_code(), "ShareNotFound");
  EXPECT_EQ(HttpStatusOf(missing), 404);
  // Context added on the way up changes neither the code nor what goes on the wire's status.
  Status annotated = missing.Annotate("loading share 's'");
  EXPECT_EQ(HttpStatusOf(annotated), 404);
  EXPECT_EQ(WireErrorOf(annotated).code, "ShareNotFound");

  Status bad = ApiError("FileInvalidPermission", "The security descriptor is not valid.");
  EXPECT_TRUE(bad.Is(StatusCode::kInvalidArgument));
  WireError wire = WireErrorOf(bad);
  EXPECT_EQ(wire.http, 400);
  EXPECT_EQ(wire.code, "FileInvalidPermission");
  EXPECT_EQ(wire.message, "The security descriptor is not valid.");
  EXPECT_EQ(wire.authentication_detail, "");

  EXPECT_EQ(HttpStatusOf(ApiError("MissingContentLengthHeader", "m")), 411);
  EXPECT_EQ(HttpStatusOf(ApiError("RequestBodyTooLarge", "m")), 413);
  EXPECT_EQ(HttpStatusOf(ApiError("InvalidRange", "m")), 416);
  EXPECT_TRUE(ApiError("ShareAlreadyExists", "m").Is(StatusCode::kAlreadyExists));
  EXPECT_TRUE(ApiError("ShareHasSnapshots", "m").Is(StatusCode::kBusy));
  EXPECT_TRUE(ApiError("ServerBusy", "m").Is(StatusCode::kUnavailable));
}

TEST(ApiErrorTest, AuthenticationErrorsCarryTheirDetailApart) {
  WireError wire = WireErrorOf(ApiError("AuthenticationFailed", "Request date header too old"));
  EXPECT_EQ(wire.http, 403);
  EXPECT_EQ(wire.message.rfind("Server failed to authenticate the request.", 0), 0u) << wire.message;
  EXPECT_EQ(wire.authentication_detail, "Request date header too old");
  wire = WireErrorOf(ApiError("AuthorizationPermissionMismatch", "no write permission"));
  EXPECT_EQ(wire.http, 403);
  EXPECT_EQ(wire.message, "This request is not authorized to perform this operation.");
  EXPECT_EQ(wire.authentication_detail, "no write permission");
}

TEST(ApiErrorTest, StatusWithoutServiceCodeIsInternalError) {
  WireError wire = WireErrorOf(Status::IOError("sqlite: disk I/O error"));
  EXPECT_EQ(wire.http, 500);
  EXPECT_EQ(wire.code, "InternalError");
  EXPECT_EQ(wire.message, "IOError: sqlite: disk I/O error");
}

}  // namespace
}  // namespace arbor::azfiles
