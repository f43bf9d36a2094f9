#include "azure/service_call.h"

#include <algorithm>
#include <random>
#include <thread>

#include "azure/error_status.h"
#include "azure/file_time.h"
#include "azure/shared_key.h"
#include "azure/url_encoding.h"

namespace arbor::azure {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

bool IsSuccess(const ServiceCall& call, int status) {
  return std::find(call.success.begin(), call.success.end(), status) != call.success.end();
}

std::optional<milliseconds> RetryAfterOf(const http::HttpResponse& r) {
  const std::string* h = r.FindHeader("retry-after");
  return h ? ParseRetryAfter(*h, std::chrono::system_clock::now()) : std::nullopt;
}

}  // namespace

CallExecutor::CallExecutor(Credentials credentials, std::string api_version, RetryOptions retry,
                           std::shared_ptr<http::HttpTransport> transport)
    : credentials_(std::move(credentials)),
      api_version_(std::move(api_version)),
      retry_(retry),
      transport_(std::move(transport)) {
  const std::string& e = credentials_.endpoint;
  size_t scheme = e.find("://");
  size_t slash = e.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  origin_ = e.substr(0, slash);
  base_path_ = slash == std::string::npos ? std::string() : e.substr(slash);
  seed_ = std::random_device{}();
}

std::string CallExecutor::RawPath(std::string_view share, std::string_view path) const {
  if (share.empty()) return base_path_.empty() ? "/" : base_path_;
  std::string out = base_path_ + "/" + EncodePath(share);
  if (!path.empty()) out += "/" + EncodePath(path);
  return out;
}

std::string CallExecutor::RawQuery(const http::HeaderList& query) const {
  std::string out;
  for (const auto& [name, value] : query) {
    if (!out.empty()) out += '&';
    out += EncodeQueryComponent(name) + "=" + EncodeQueryComponent(value);
  }
  if (credentials_.HasSas()) out += (out.empty() ? "" : "&") + credentials_.sas_token;
  return out;
}

std::string CallExecutor::Url(std::string_view share, std::string_view path,
                              const http::HeaderList& query) const {
  std::string raw_query = RawQuery(query);
  return origin_ + RawPath(share, path) + (raw_query.empty() ? "" : "?" + raw_query);
}

Result<http::HttpRequest> CallExecutor::Prepare(const ServiceCall& call, const std::string& raw_path,
                                                const std::string& raw_query) const {
  http::HttpRequest r;
  r.method = call.method;
  r.url = origin_ + raw_path + (raw_query.empty() ? "" : "?" + raw_query);
  r.headers = call.headers;
  r.headers.emplace_back("x-ms-version", api_version_);
  r.headers.emplace_back("x-ms-date", FormatHttpDate(FileTime::Now()));
  r.body = call.body;
  if (!credentials_.HasSharedKey()) return r;
  // The transport sends Content-Length itself; the signature must cover it all the same.
  SignableRequest s{call.method, raw_path, raw_query, r.headers};
  if (!call.body.empty()) s.headers.emplace_back("Content-Length", std::to_string(call.body.size()));
  ARBOR_ASSIGN_OR_RETURN(std::string sig, SharedKeySignature(s, credentials_.account, credentials_.key));
  r.headers.emplace_back("Authorization", SharedKeyAuthorization(credentials_.account, sig));
  return r;
}

CallExecutor::Attempt CallExecutor::TryOnce(const ServiceCall& call, const std::string& raw_path,
                                            const std::string& raw_query, int attempt) {
  Result<http::HttpRequest> request = Prepare(call, raw_path, raw_query);
  if (!request.ok()) return {request.status(), true, std::nullopt};
  counters_.requests.fetch_add(1);
  if (attempt > 1) counters_.retries.fetch_add(1);
  Result<http::HttpResponse> response = transport_->Send(*request);
  if (!response.ok()) {
    bool transient = response.status().Is(StatusCode::kUnavailable);
    return {response.status().Annotate(call.what), !transient, std::nullopt};
  }
  counters_.body_bytes.fetch_add(response->body.size());
  if (IsSuccess(call, response->status)) return {std::move(response), true, std::nullopt};
  Status failure = StatusFromServiceError(response->status, ServiceErrorOf(*response), call.what);
  std::optional<milliseconds> retry_after = RetryAfterOf(*response);
  if (retry_after) failure = failure.WithRetryAfter(*retry_after);  // for retrying callers above
  return {failure, !IsRetryableHttpStatus(response->status), retry_after};
}

Result<http::HttpResponse> CallExecutor::Execute(const ServiceCall& call) {
  const std::string raw_path = RawPath(call.share, call.path);
  const std::string raw_query = RawQuery(call.query);
  RetryPolicy policy(retry_, seed_.fetch_add(0x9e3779b97f4a7c15ULL));
  const auto start = Clock::now();
  for (int attempt = 1;; ++attempt) {
    Attempt outcome = TryOnce(call, raw_path, raw_query, attempt);
    if (outcome.final) return std::move(outcome.result);
    auto elapsed = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
    std::optional<milliseconds> delay = policy.NextDelay(attempt, elapsed, outcome.retry_after);
    if (!delay) {
      // The service's Retry-After travels on, for a caller that retries at its own level
      // (the object store's RetryingStore runs this executor with one attempt).
      const Status& last = outcome.result.status();
      if (attempt == 1) return Status(last).WithRetryAfter(outcome.retry_after.value_or(milliseconds(0)));
      // A new message for the same failure: the service code and retry hint stay with it.
      return Status(last.code(), last.message() + " [gave up after " + std::to_string(attempt) + " attempts]")
          .WithServiceCode(last.service_code())
          .WithRetryAfter(outcome.retry_after.value_or(milliseconds(0)));
    }
    std::this_thread::sleep_for(*delay);
  }
}

}  // namespace arbor::azure
