// The request pipeline of the Azure Files client: builds the URL, adds x-ms-version and
// x-ms-date, signs with SharedKey (or appends the SAS token), sends through an
// http::HttpTransport, retries transient failures under a RetryPolicy, and turns failures into
// Status values (error_status.h).
//
// Thread-safe: one CallExecutor serves all threads of a client; each Execute() has its own
// retry state.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "azure/credentials.h"
#include "http/http_transport.h"
#include "azure/retry_policy.h"
#include "base/status.h"

namespace arbor::azure {

// One File service request before encoding and signing.
struct ServiceCall {
  std::string method = "GET";
  std::string share;      // empty: the account itself (List Shares)
  std::string path;       // decoded share-relative path; "" for the share root
  http::HeaderList query;       // decoded names and values, in order
  http::HeaderList headers;     // besides x-ms-version, x-ms-date and Authorization
  std::string_view body;  // must outlive Execute()
  std::vector<int> success = {200};
  std::string what;  // names the operation in error messages: "list directory 'a' of share 's'"
};

struct CallCounters {
  std::atomic<uint64_t> requests{0};    // HTTP exchanges attempted
  std::atomic<uint64_t> retries{0};     // of which were retries
  std::atomic<uint64_t> body_bytes{0};  // response body bytes received
};

class CallExecutor {
 public:
  CallExecutor(Credentials credentials, std::string api_version, RetryOptions retry,
               std::shared_ptr<http::HttpTransport> transport);

  // The response when its status is in call.success; otherwise the mapped error. Transient
  // failures are retried; the final error says how many attempts were made.
  Result<http::HttpResponse> Execute(const ServiceCall& call);

  // The full URL of a share path, SAS included (Rename's x-ms-file-rename-source needs it).
  std::string Url(std::string_view share, std::string_view path, const http::HeaderList& query) const;
  const Credentials& credentials() const { return credentials_; }
  const CallCounters& counters() const { return counters_; }

 private:
  // One exchange: its result, whether it is final (success or an error not worth
  // retrying), and the server's Retry-After.
  struct Attempt {
    Result<http::HttpResponse> result;
    bool final;
    std::optional<std::chrono::milliseconds> retry_after;
  };
  Attempt TryOnce(const ServiceCall& call, const std::string& raw_path, const std::string& raw_query, int attempt);
  std::string RawPath(std::string_view share, std::string_view path) const;
  std::string RawQuery(const http::HeaderList& query) const;
  Result<http::HttpRequest> Prepare(const ServiceCall& call, const std::string& raw_path,
                              const std::string& raw_query) const;

  const Credentials credentials_;
  const std::string api_version_;
  const RetryOptions retry_;
  const std::shared_ptr<http::HttpTransport> transport_;
  std::string origin_;     // scheme://host[:port]
  std::string base_path_;  // "" or "/account" for path-style endpoints
  std::atomic<uint64_t> seed_{0};
  CallCounters counters_;
};

}  // namespace arbor::azure
