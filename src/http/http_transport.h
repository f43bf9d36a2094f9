// One HTTP exchange, no retries: the seam between the service clients (Azure Files, Azure Blob,
// S3) and the network.
//
// NewCurlTransport keeps a pool of libcurl handles, so keep-alive connections are reused
// and up to `max_connections` requests run in parallel from different threads.
// Failures that a retry may cure (refused or reset connections, timeouts, bodies cut short)
// are Status::Unavailable; anything else is IOError. Responses over max_response_bytes are
// Corruption: a server cannot make the client buffer without bound.
// HttpTransport implementations are thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace arbor::http {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;
  std::string url;
  HeaderList headers;     // sent as given; the transport adds Host and Content-Length
  std::string_view body;  // must outlive Send()
};

struct HttpResponse {
  int status = 0;
  HeaderList headers;  // names as the server spelled them (metadata names keep their case)
  std::string body;
  // The value of a header (name matched case-insensitively), or nullptr.
  const std::string* FindHeader(std::string_view name) const;
};

struct TransportOptions {
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds request_timeout{std::chrono::minutes(5)};
  // A response that stalls below 1 byte/s for this long is abandoned (Unavailable).
  std::chrono::seconds stall_timeout{std::chrono::seconds(60)};
  size_t max_response_bytes = 64u << 20;
  int max_idle_connections = 64;
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  virtual Result<HttpResponse> Send(const HttpRequest& request) = 0;
};

std::unique_ptr<HttpTransport> NewCurlTransport(const TransportOptions& options);

}  // namespace arbor::http
