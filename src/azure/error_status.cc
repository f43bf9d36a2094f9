#include "azure/error_status.h"

#include "azure/error_xml.h"

namespace arbor::azure {
namespace {

std::string FirstLine(std::string_view s) { return std::string(s.substr(0, s.find('\n'))); }

std::string Explain(int http, const std::string& code) {
  if (code == "AuthenticationFailed") {
    return "authentication failed: check the account key or SAS token (and the clock, requests older than 15 "
           "minutes are refused)";
  }
  // Azurite, and the service behind a firewall, refuse a wrong key this way too.
  if (code == "AuthorizationFailure")
    return "not authorized: check the account key or SAS token, and the account's network rules";
  if (code.rfind("Authorization", 0) == 0)
    return "not authorized: the SAS token does not allow this operation";
  if (code == "ShareNotFound") return "the share does not exist";
  if (code == "ParentNotFound") return "the parent directory does not exist";
  if (code == "ResourceNotFound") return "the file or directory does not exist";
  if (code == "ShareSnapshotNotFound") return "the share snapshot does not exist";
  if (code == "ContainerNotFound") return "the container does not exist";
  if (code == "BlobNotFound") return "the blob does not exist";
  if (http == 404) return "not found";
  return "";
}

StatusCode CodeFor(int http, const std::string& code) {
  if (http == 401 || http == 403) return StatusCode::kPermissionDenied;
  if (http == 404) return StatusCode::kNotFound;
  if (http == 409) {
    bool exists = code == "ShareAlreadyExists" || code == "ResourceAlreadyExists";
    return exists ? StatusCode::kAlreadyExists : StatusCode::kBusy;
  }
  // 501: the service does not implement the operation; retrying (here or by the job queue,
  // which retries Unavailable) cannot help. Checked before the 5xx range below.
  if (http == 501) return StatusCode::kUnsupported;
  if (http == 408 || http >= 500) return StatusCode::kUnavailable;
  if (http >= 400) return StatusCode::kInvalidArgument;
  return StatusCode::kIOError;
}

}  // namespace

ServiceError ServiceErrorOf(const http::HttpResponse& response) {
  ServiceError e;
  if (!response.body.empty()) {
    auto parsed = ParseErrorBody(response.body);
    if (parsed.ok()) e = std::move(parsed).value();
  }
  if (const std::string* h = response.FindHeader("x-ms-error-code"); h != nullptr && e.code.empty())
    e.code = *h;
  return e;
}

Status StatusFromServiceError(int http_status, const ServiceError& error, std::string_view what) {
  std::string explained = Explain(http_status, error.code);
  std::string detail = explained.empty() ? FirstLine(error.message) : explained;
  if (detail.empty()) detail = "request failed";
  std::string msg = std::string(what) + ": " + detail + " (" + std::to_string(http_status) +
                    (error.code.empty() ? "" : " " + error.code) + ")";
  if (!error.authentication_detail.empty()) {
    // The service goes on with the string it signed: long, and of no use to a user.
    std::string detail_line = FirstLine(error.authentication_detail);
    msg += ": " + detail_line.substr(0, detail_line.find(" Server used following string to sign"));
  }
  return Status(CodeFor(http_status, error.code), msg).WithServiceCode(error.code);
}

}  // namespace arbor::azure
