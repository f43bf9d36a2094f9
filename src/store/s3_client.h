// S3Client: one signed S3 request at a time over the shared HTTP transport. It builds the
// URL (path-style https://HOST/BUCKET/KEY or virtual-host https://BUCKET.HOST/KEY), adds
// Host, X-Amz-Date, x-amz-content-sha256 (the SHA-256 of the body: S3 checks it) and the
// session token, signs with SigV4 and sends. No retries: a wrapper store retries whole
// operations, guided by the Status codes StatusFromResponse() gives.
//
// Thread-safe: the configuration is fixed after construction and the transport is
// thread-safe, so one client serves every worker thread.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "http/http_transport.h"
#include "store/s3_credentials.h"
#include "store/s3_signer.h"
#include "store/store_location.h"
#include "store/store_options.h"

namespace arbor::s3 {

struct S3Config {
  std::string scheme = "https";  // "https" or "http"
  std::string host;              // the endpoint's host[:port] (default port left out)
  std::string region = "us-east-1";
  std::string bucket;
  bool virtual_host = false;  // bucket in the host name instead of the path
  Credentials credentials;

  // "https://s3.eu-west-1.amazonaws.com", for messages.
  std::string Endpoint() const { return scheme + "://" + host; }
};

// The configuration for `location` with `options` (endpoint, region, URL style):
// no endpoint means AWS in the region (virtual-host style unless the bucket name has a
// '.', which TLS wildcard certificates do not cover); a custom endpoint means path style
// unless --s3-url-style virtual. InvalidArgument for a malformed endpoint or style.
Result<S3Config> MakeS3Config(const StoreLocation& location, const StoreOptions& options,
                              Credentials credentials);

struct S3Request {
  std::string method;
  std::string key;  // the full object key in the bucket; empty for a bucket-level request
  QueryList query;
  http::HeaderList headers;  // extra headers (Range, If-None-Match, ...); all are signed
  std::string_view body;     // must outlive Send()
};

// The Status for a failed response (any status outside 2xx): NotFound for a missing
// bucket, key or upload; PermissionDenied for refused credentials; InvalidArgument for a
// bucket in another region (naming the region); AlreadyExists for a failed If-None-Match;
// Unavailable (with the server's Retry-After) for throttling, timeouts and 5xx;
// Unsupported for 501; IOError otherwise. `what` ("GET s3://b/k") starts the message.
Status StatusFromResponse(const http::HttpResponse& response, std::string_view what);

// The S3 operations a client sends, for request counts (billing is per request).
enum class S3Op {
  kPutObject,
  kCreateMultipartUpload,
  kUploadPart,
  kCompleteMultipartUpload,
  kAbortMultipartUpload,
  kGetObject,
  kHeadObject,
  kListObjects,
  kListMultipartUploads,
  kDeleteObject,
  kOther,
};
inline constexpr size_t kS3OpCount = static_cast<size_t>(S3Op::kOther) + 1;
std::string_view S3OpName(S3Op op);
// Which operation a request is, from its method, key and query.
S3Op ClassifyRequest(const S3Request& request);

class S3Client {
 public:
  S3Client(S3Config config, std::unique_ptr<http::HttpTransport> transport);

  // One signed exchange. Any HTTP status is returned as a response; a transport failure
  // (refused, reset, timed out) is Unavailable.
  Result<http::HttpResponse> Send(const S3Request& request) const;
  // Send(), then StatusFromResponse() for anything outside 2xx.
  Result<http::HttpResponse> SendOk(const S3Request& request) const;

  // The URL of `key` with `query` (exactly as signed).
  std::string Url(std::string_view key, const QueryList& query) const;
  // "s3://bucket/key", for messages.
  std::string Name(std::string_view key) const;
  const S3Config& config() const { return config_; }

  // Requests sent so far (answered or not) of `op`.
  uint64_t Count(S3Op op) const { return counts_[static_cast<size_t>(op)].load(); }
  // "PutObject 12, UploadPart 6, ..., total 30" (operations never sent are left out).
  std::string CountsSummary() const;

 private:
  std::string HostHeader() const;
  std::string Path(std::string_view key) const;

  const S3Config config_;
  const std::unique_ptr<http::HttpTransport> transport_;
  mutable std::array<std::atomic<uint64_t>, kS3OpCount> counts_{};
};

// A client for `location` (kS3) with credentials from `env` (s3_credentials.h) and a
// libcurl transport.
Result<std::unique_ptr<S3Client>> NewS3Client(const StoreLocation& location, const StoreOptions& options,
                                              const EnvLookup& env);

}  // namespace arbor::s3
