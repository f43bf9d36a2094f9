#include "server/http_error.h"

#include <httplib.h>

#include <nlohmann/json.hpp>

namespace arbor::server {

int HttpStatusFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kAlreadyExists:
    case StatusCode::kBusy:
      return 409;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kUnsupported:
      return 501;
    default:
      return 500;
  }
}

std::string_view ErrorCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kNotFound:
      return "not_found";
    case StatusCode::kInvalidArgument:
      return "invalid_argument";
    case StatusCode::kAlreadyExists:
      return "already_exists";
    case StatusCode::kBusy:
      return "conflict";
    case StatusCode::kPermissionDenied:
      return "forbidden";
    case StatusCode::kUnavailable:
      return "unavailable";
    case StatusCode::kUnsupported:
      return "unsupported";
    default:
      return "internal";
  }
}

void WriteError(httplib::Response& res, int http_status, std::string_view code, std::string_view message) {
  res.status = http_status;
  nlohmann::json body = {{"error", code}, {"message", message}};
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json");
}

void WriteStatus(httplib::Response& res, const Status& status) {
  WriteError(res, HttpStatusFor(status), ErrorCodeFor(status), status.message());
}

}  // namespace arbor::server
