// How the emulator reports failures: arbor's Status, with the service's error code in
// Status::service_code(). Every code the emulator answers with is in one table
// (api_error.cc) that gives its HTTP status, so a handler only names the code:
//
//   if (!found) return ApiError("ShareNotFound", "The specified share does not exist.");
//
// A Status without a service code (SQLite, the file system) is a bug or an outage of the
// emulator itself and goes on the wire as 500 InternalError. For the authentication codes
// (AuthenticationFailed, Authorization*) the Status message is the
// AuthenticationErrorDetail and the wire message is the service's fixed sentence.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace arbor::azfiles {

// REQUIRES: `code` is in the table (a code missing from it is answered as 500).
Status ApiError(std::string_view code, std::string message);

// What goes on the wire for a failed Status.
struct WireError {
  int http = 500;
  std::string code;
  std::string message;
  std::string authentication_detail;  // AuthenticationErrorDetail, for 401/403
};
WireError WireErrorOf(const Status& status);

// The HTTP status a failed Status is answered with (500 for one without a service code).
int HttpStatusOf(const Status& status);

// Canned errors used in many places.
inline Status ShareNotFound() { return ApiError("ShareNotFound", "The specified share does not exist."); }
inline Status ResourceNotFound() {
  return ApiError("ResourceNotFound", "The specified resource does not exist.");
}
inline Status ParentNotFound() {
  return ApiError("ParentNotFound", "The specified parent path does not exist.");
}
inline Status InvalidHeader(const std::string& name) {
  return ApiError("InvalidHeaderValue",
                  "The value for one of the HTTP headers is not in the correct format: " + name);
}
inline Status InvalidQuery(const std::string& name) {
  return ApiError("InvalidQueryParameterValue",
                  "Value for one of the query parameters specified in the request URI is invalid: " + name);
}
inline Status SnapshotReadOnly() {
  return ApiError("ShareSnapshotOperationNotSupported",
                  "The operation is not supported on a share snapshot.");
}

}  // namespace arbor::azfiles
