#include "store/s3_client.h"

#include <charconv>
#include <chrono>

#include "hash/sha256.h"
#include "store/s3_xml.h"

namespace arbor::s3 {
namespace {

constexpr size_t kMaxMessageChars = 300;

bool IsOneOf(std::string_view code, std::initializer_list<std::string_view> codes) {
  for (std::string_view c : codes) {
    if (code == c) return true;
  }
  return false;
}

std::chrono::milliseconds RetryAfter(const http::HttpResponse& r) {
  const std::string* v = r.FindHeader("Retry-After");
  uint64_t seconds = 0;
  if (v == nullptr || std::from_chars(v->data(), v->data() + v->size(), seconds).ec != std::errc()) {
    return std::chrono::milliseconds(0);
  }
  return std::chrono::milliseconds(std::min<uint64_t>(seconds, 3600) * 1000);
}

// Splits "http://host:port/" into scheme and host[:port]; drops a default port.
Status ParseEndpoint(std::string_view endpoint, S3Config* config) {
  std::string_view rest = endpoint;
  size_t sep = rest.find("://");
  if (sep != std::string_view::npos) {
    config->scheme = std::string(rest.substr(0, sep));
    rest.remove_prefix(sep + 3);
  }
  if (config->scheme != "http" && config->scheme != "https") {
    return Status::InvalidArgument("S3 endpoint '" + std::string(endpoint) +
                                   "': the scheme must be http or https");
  }
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.empty() || rest.find_first_of("/?#@ ") != std::string_view::npos) {
    return Status::InvalidArgument("S3 endpoint '" + std::string(endpoint) +
                                   "': expected [http[s]://]HOST[:PORT] with no path");
  }
  std::string_view default_port = config->scheme == "https" ? ":443" : ":80";
  if (rest.size() > default_port.size() && rest.substr(rest.size() - default_port.size()) == default_port) {
    rest.remove_suffix(default_port.size());
  }
  config->host = std::string(rest);
  return Status::Ok();
}

}  // namespace

Result<S3Config> MakeS3Config(const StoreLocation& location, const StoreOptions& options,
                              Credentials credentials) {
  S3Config c;
  c.bucket = location.bucket;
  c.credentials = std::move(credentials);
  if (!options.s3_region.empty()) c.region = options.s3_region;
  bool aws = options.s3_endpoint.empty();
  if (aws) {
    c.host = "s3." + c.region + ".amazonaws.com";
  } else {
    ARBOR_RETURN_IF_ERROR(ParseEndpoint(options.s3_endpoint, &c));
  }
  if (options.s3_url_style == "path") {
    c.virtual_host = false;
  } else if (options.s3_url_style == "virtual") {
    c.virtual_host = true;
  } else if (options.s3_url_style.empty()) {
    c.virtual_host = aws && c.bucket.find('.') == std::string::npos;
  } else {
    return Status::InvalidArgument("--s3-url-style must be 'path' or 'virtual', not '" +
                                   options.s3_url_style + "'");
  }
  return c;
}

Status StatusFromResponse(const http::HttpResponse& response, std::string_view what) {
  int http = response.status;
  ServiceError e;
  if (auto parsed = ParseError(response.body); parsed.ok()) e = std::move(parsed).value();
  if (e.region.empty()) {
    if (const std::string* r = response.FindHeader("x-amz-bucket-region")) e.region = *r;
  }
  std::string message = std::string(what) + ": HTTP " + std::to_string(http);
  if (!e.code.empty()) message += " " + e.code;
  if (!e.message.empty()) message += ": " + e.message.substr(0, kMaxMessageChars);

  const std::string& code = e.code;
  if (IsOneOf(code, {"NoSuchBucket"})) {
    return Status::NotFound(message + " (arbor never creates buckets: create it with your provider's tools)");
  }
  if (IsOneOf(code, {"PermanentRedirect", "TemporaryRedirect", "AuthorizationHeaderMalformed",
                     "IllegalLocationConstraintException"}) ||
      http == 301 || http == 307) {
    if (!e.region.empty())
      message += " (the bucket is in region " + e.region + ": set AWS_REGION=" + e.region + ")";
    return Status::InvalidArgument(message);
  }
  if (http == 403 || IsOneOf(code, {"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch",
                                    "ExpiredToken", "InvalidToken", "TokenRefreshRequired"})) {
    return Status::PermissionDenied(message + " (check the S3 credentials)");
  }
  if (http == 404 || IsOneOf(code, {"NoSuchKey", "NoSuchUpload"})) return Status::NotFound(message);
  if (http == 412) return Status::AlreadyExists(message);
  if (http == 501 || code == "NotImplemented") return Status::Unsupported(message);
  if (http == 429 || http >= 500 ||
      IsOneOf(code, {"SlowDown", "RequestTimeout", "InternalError", "ServiceUnavailable",
                     "ConditionalRequestConflict", "OperationAborted"})) {
    return Status::Unavailable(message).WithRetryAfter(RetryAfter(response));
  }
  return Status::IOError(message);
}

std::string_view S3OpName(S3Op op) {
  static constexpr std::string_view kNames[kS3OpCount] = {"PutObject",
                                                          "CreateMultipartUpload",
                                                          "UploadPart",
                                                          "CompleteMultipartUpload",
                                                          "AbortMultipartUpload",
                                                          "GetObject",
                                                          "HeadObject",
                                                          "ListObjectsV2",
                                                          "ListMultipartUploads",
                                                          "DeleteObject",
                                                          "other"};
  return kNames[static_cast<size_t>(op)];
}

S3Op ClassifyRequest(const S3Request& request) {
  auto has = [&](std::string_view name) {
    for (const auto& q : request.query) {
      if (q.first == name) return true;
    }
    return false;
  };
  const std::string& m = request.method;
  if (request.key.empty()) {
    if (m == "GET" && has("uploads")) return S3Op::kListMultipartUploads;
    return m == "GET" ? S3Op::kListObjects : S3Op::kOther;
  }
  if (m == "PUT") return has("uploadId") ? S3Op::kUploadPart : S3Op::kPutObject;
  if (m == "POST") {
    if (has("uploads")) return S3Op::kCreateMultipartUpload;
    return has("uploadId") ? S3Op::kCompleteMultipartUpload : S3Op::kOther;
  }
  if (m == "DELETE") return has("uploadId") ? S3Op::kAbortMultipartUpload : S3Op::kDeleteObject;
  if (m == "GET") return S3Op::kGetObject;
  return m == "HEAD" ? S3Op::kHeadObject : S3Op::kOther;
}

std::string S3Client::CountsSummary() const {
  std::string out;
  uint64_t total = 0;
  for (size_t i = 0; i < kS3OpCount; ++i) {
    uint64_t n = counts_[i].load();
    if (n == 0) continue;
    out += std::string(S3OpName(static_cast<S3Op>(i))) + " " + std::to_string(n) + ", ";
    total += n;
  }
  return out + "total " + std::to_string(total);
}

S3Client::S3Client(S3Config config, std::unique_ptr<http::HttpTransport> transport)
    : config_(std::move(config)), transport_(std::move(transport)) {}

std::string S3Client::HostHeader() const {
  return config_.virtual_host ? config_.bucket + "." + config_.host : config_.host;
}

std::string S3Client::Path(std::string_view key) const {
  std::string path = config_.virtual_host ? "/" : "/" + UriEncode(config_.bucket, false) + "/";
  return path + UriEncode(key, true);
}

std::string S3Client::Url(std::string_view key, const QueryList& query) const {
  std::string url = config_.scheme + "://" + HostHeader() + Path(key);
  if (!query.empty()) url += "?" + CanonicalQueryString(query);
  return url;
}

std::string S3Client::Name(std::string_view key) const {
  return "s3://" + config_.bucket + "/" + std::string(key);
}

Result<http::HttpResponse> S3Client::Send(const S3Request& request) const {
  SignableRequest s;
  s.method = request.method;
  s.path = Path(request.key);
  s.query = request.query;
  s.payload_hash = request.body.empty() ? std::string(kEmptyPayloadSha256) : Sha256Of(request.body).Hex();
  s.headers = request.headers;
  s.headers.emplace_back("Host", HostHeader());
  s.headers.emplace_back("X-Amz-Date", AmzDate(std::chrono::system_clock::now()));
  s.headers.emplace_back("x-amz-content-sha256", s.payload_hash);
  if (!config_.credentials.session_token.empty()) {
    s.headers.emplace_back("x-amz-security-token", config_.credentials.session_token);
  }
  ARBOR_ASSIGN_OR_RETURN(Signature sig, SignV4(s, config_.credentials, config_.region, "s3"));

  http::HttpRequest r;
  r.method = request.method;
  r.url = Url(request.key, request.query);
  r.headers = std::move(s.headers);
  r.headers.emplace_back("Authorization", std::move(sig.authorization));
  r.body = request.body;
  counts_[static_cast<size_t>(ClassifyRequest(request))].fetch_add(1);
  auto response = transport_->Send(r);
  if (!response.ok()) return response.status().Annotate("S3 " + request.method + " " + Name(request.key));
  return response;
}

Result<http::HttpResponse> S3Client::SendOk(const S3Request& request) const {
  ARBOR_ASSIGN_OR_RETURN(http::HttpResponse response, Send(request));
  if (response.status / 100 != 2)
    return StatusFromResponse(response, "S3 " + request.method + " " + Name(request.key));
  return response;
}

Result<std::unique_ptr<S3Client>> NewS3Client(const StoreLocation& location, const StoreOptions& options,
                                              const EnvLookup& env) {
  ARBOR_ASSIGN_OR_RETURN(Credentials credentials, LoadCredentials(env));
  ARBOR_ASSIGN_OR_RETURN(S3Config config, MakeS3Config(location, options, std::move(credentials)));
  http::TransportOptions transport;
  return std::make_unique<S3Client>(std::move(config), http::NewCurlTransport(transport));
}

}  // namespace arbor::s3
