// How a Status becomes an HTTP answer: the status code and the JSON error body
// {"error": code, "message": text} that every failing route of `arbor serve` returns.
// The one place where arbor's error codes meet HTTP's (STYLE.md: errors change shape only
// at the edges).
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace httplib {
struct Response;
}  // namespace httplib

namespace arbor::server {

// NotFound 404, InvalidArgument 400, AlreadyExists/Busy 409, PermissionDenied 403,
// Unavailable 503, Unsupported 501, anything else 500.
int HttpStatusFor(const Status& status);
// The short machine-readable code of the body: "not_found", "invalid_argument", ...
std::string_view ErrorCodeFor(const Status& status);

// Replaces the response with the JSON error body.
void WriteError(httplib::Response& res, int http_status, std::string_view code, std::string_view message);
void WriteStatus(httplib::Response& res, const Status& status);

}  // namespace arbor::server
