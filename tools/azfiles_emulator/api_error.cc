#include "api_error.h"

#include <cassert>
#include <string_view>

namespace arbor::azfiles {
namespace {

struct CodeInfo {
  std::string_view code;
  int http;
  // Non-empty: the service's fixed message for this code; the Status message is then the
  // AuthenticationErrorDetail.
  std::string_view fixed_message = {};
};

constexpr std::string_view kNotAuthorized = "This request is not authorized to perform this operation.";

// Every error code the emulator answers with, and the HTTP status the service uses for it
// (Azure Files REST reference, "Common REST API error codes" and "File service error codes").
constexpr CodeInfo kCodes[] = {
    {"AuthenticationFailed", 403,
     "Server failed to authenticate the request. Make sure the value of Authorization header is formed "
     "correctly including the signature."},
    {"AuthorizationFailure", 403, kNotAuthorized},
    {"AuthorizationPermissionMismatch", 403, kNotAuthorized},
    {"AuthorizationProtocolMismatch", 403, kNotAuthorized},
    {"AuthorizationResourceTypeMismatch", 403, kNotAuthorized},
    {"AuthorizationServiceMismatch", 403, kNotAuthorized},
    {"AuthorizationSourceIPMismatch", 403, kNotAuthorized},
    {"NoAuthenticationInformation", 401},
    {"InvalidAuthenticationInfo", 400},
    {"ShareNotFound", 404},
    {"ResourceNotFound", 404},
    {"ParentNotFound", 404},
    {"PreviousSnapshotNotFound", 404},
    {"ShareSnapshotNotFound", 404},
    {"ShareAlreadyExists", 409},
    {"ResourceAlreadyExists", 409},
    {"ShareHasSnapshots", 409},
    {"DirectoryNotEmpty", 409},
    {"FileGenerationMismatch", 409},
    {"FileRenamedSincePreviousSnapshot", 409},
    {"ReadOnlyAttribute", 409},
    {"EmptyMetadataKey", 400},
    {"FileInvalidPermission", 400},
    {"FileInvalidPermissionKey", 400},
    {"InvalidContinuationToken", 400},
    {"InvalidFileOrDirectoryPathName", 400},
    {"InvalidHeaderValue", 400},
    {"InvalidInput", 400},
    {"InvalidMetadata", 400},
    {"InvalidQueryParameterValue", 400},
    {"InvalidResourceName", 400},
    {"InvalidUri", 400},
    {"MetadataTooLarge", 400},
    {"MissingRequiredHeader", 400},
    {"OutOfRangeQueryParameterValue", 400},
    {"ShareSnapshotOperationNotSupported", 400},
    {"UnsupportedHttpVerb", 400},
    {"MissingContentLengthHeader", 411},
    {"RequestBodyTooLarge", 413},
    {"InvalidRange", 416},
    {"InternalError", 500},
    {"ServerBusy", 503},
};

const CodeInfo* Find(std::string_view code) {
  for (const CodeInfo& c : kCodes) {
    if (c.code == code) return &c;
  }
  return nullptr;
}

// The same reading of HTTP statuses as the client's (azure/error_status.h), so a test of
// the emulator's Status sees what a client of it would.
StatusCode StatusCodeFor(int http, std::string_view code) {
  if (http == 401 || http == 403) return StatusCode::kPermissionDenied;
  if (http == 404) return StatusCode::kNotFound;
  if (http == 409) {
    return code == "ShareAlreadyExists" || code == "ResourceAlreadyExists" ? StatusCode::kAlreadyExists
                                                                           : StatusCode::kBusy;
  }
  if (http == 503) return StatusCode::kUnavailable;
  if (http >= 500) return StatusCode::kInternal;
  return StatusCode::kInvalidArgument;
}

}  // namespace

Status ApiError(std::string_view code, std::string message) {
  const CodeInfo* info = Find(code);
  assert(info != nullptr && "error code missing from the table in api_error.cc");
  int http = info != nullptr ? info->http : 500;
  return Status(StatusCodeFor(http, code), std::move(message)).WithServiceCode(std::string(code));
}

int HttpStatusOf(const Status& status) {
  const CodeInfo* info = Find(status.service_code());
  return info != nullptr ? info->http : 500;
}

WireError WireErrorOf(const Status& status) {
  const CodeInfo* info = Find(status.service_code());
  if (info == nullptr) return {500, "InternalError", status.ToString(), ""};
  if (!info->fixed_message.empty()) {
    return {info->http, status.service_code(), std::string(info->fixed_message), status.message()};
  }
  return {info->http, status.service_code(), status.message(), ""};
}

}  // namespace arbor::azfiles
