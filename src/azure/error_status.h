// Turns a failed Azure Files response into a Status with a message a person can act on.
//
//   403 AuthenticationFailed / Authorization*  -> PermissionDenied ("check the key or SAS")
//   404 ShareNotFound / ParentNotFound / ...   -> NotFound
//   409 ShareAlreadyExists / ResourceAlreadyExists -> AlreadyExists; other 409 -> Busy
//   400, 411, 413, 416                         -> InvalidArgument
//   408, 5xx (once retries are exhausted)      -> Unavailable
// The service's error code travels as Status::service_code() (callers branch on it,
// never on the message); the message also shows it for people, e.g.
// "list directory 'a' of share 's': share does not exist (404 ShareNotFound)".
// Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "http/http_transport.h"
#include "azure/model.h"
#include "base/status.h"

namespace arbor::azure {

// The error code and message of a response: from the XML body when it parses, else from
// the x-ms-error-code header; a HEAD response has only the header.
ServiceError ServiceErrorOf(const http::HttpResponse& response);

Status StatusFromServiceError(int http_status, const ServiceError& error, std::string_view what);

}  // namespace arbor::azure
