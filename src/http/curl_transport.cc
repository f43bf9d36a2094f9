// libcurl implementation of HttpTransport.
#include <curl/curl.h>
#include <strings.h>

#include <mutex>
#include <vector>

#include "http/http_transport.h"

namespace arbor::http {
namespace {

struct Exchange {
  HttpResponse* response;
  size_t max_bytes;
  bool too_large = false;
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  size_t n = size * count;
  if (ex->response->body.size() + n > ex->max_bytes) {
    ex->too_large = true;
    return 0;  // aborts the transfer
  }
  ex->response->body.append(data, n);
  return n;
}

std::string_view TrimWs(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  std::string_view line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {
    ex->response->headers.clear();  // a new response (after 100 Continue or a redirect)
    return line.size();
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return line.size();
  std::string name(TrimWs(line.substr(0, colon)));
  ex->response->headers.emplace_back(std::move(name), std::string(TrimWs(line.substr(colon + 1))));
  return line.size();
}

bool IsTransient(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

// Headers libcurl would otherwise add on its own and that must not reach the signature:
// a form Content-Type and "Expect: 100-continue".
curl_slist* BuildHeaders(const HttpRequest& request) {
  curl_slist* list = nullptr;
  bool has_content_type = false;
  for (const auto& [name, value] : request.headers) {
    std::string line = name + ": " + value;
    if (value.empty()) line = name + ";";  // curl's syntax for a header with an empty value
    list = curl_slist_append(list, line.c_str());
    has_content_type |= name.size() == 12 && strncasecmp(name.c_str(), "content-type", 12) == 0;
  }
  if (!has_content_type) list = curl_slist_append(list, "Content-Type:");
  list = curl_slist_append(list, "Expect:");
  return list;
}

class CurlTransport final : public HttpTransport {
 public:
  explicit CurlTransport(const TransportOptions& options) : options_(options) {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  }
  ~CurlTransport() override {
    for (CURL* h : idle_) curl_easy_cleanup(h);
  }

  Result<HttpResponse> Send(const HttpRequest& request) override {
    CURL* h = Acquire();
    HttpResponse response;
    Exchange ex{&response, options_.max_response_bytes};
    curl_slist* headers = BuildHeaders(request);
    Configure(h, request, headers, &ex);
    CURLcode rc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    Release(h, rc == CURLE_OK);
    if (ex.too_large) {
      return Status::Corruption("response body exceeds " + std::to_string(options_.max_response_bytes) +
                                " bytes");
    }
    if (rc != CURLE_OK) return TransportError(rc, request);
    response.status = static_cast<int>(status);
    return response;
  }

 private:
  void Configure(CURL* h, const HttpRequest& r, curl_slist* headers, Exchange* ex) const {
    curl_easy_setopt(h, CURLOPT_URL, r.url.c_str());
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, OnBody);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, ex);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, OnHeader);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, ex);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout.count()));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.request_timeout.count()));
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options_.stall_timeout.count()));
    if (r.method == "HEAD") {
      curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else if (r.method != "GET") {
      curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, r.method.c_str());
    }
    if (r.method == "PUT" || r.method == "POST") {
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, r.body.data());
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    }
  }

  static Status TransportError(CURLcode rc, const HttpRequest& r) {
    std::string what = r.method + " " + r.url.substr(0, r.url.find('?')) + ": " + curl_easy_strerror(rc);
    if (rc == CURLE_PARTIAL_FILE) what += " (the response body was truncated)";
    return IsTransient(rc) ? Status::Unavailable(what) : Status::IOError(what);
  }

  CURL* Acquire() {
    std::lock_guard<std::mutex> lock(mu_);
    if (idle_.empty()) return curl_easy_init();
    CURL* h = idle_.back();
    idle_.pop_back();
    curl_easy_reset(h);  // keeps the connection cache
    return h;
  }

  void Release(CURL* h, bool healthy) {
    std::lock_guard<std::mutex> lock(mu_);
    if (healthy && static_cast<int>(idle_.size()) < options_.max_idle_connections) {
      idle_.push_back(h);
    } else {
      curl_easy_cleanup(h);
    }
  }

  const TransportOptions options_;
  std::mutex mu_;
  std::vector<CURL*> idle_;  // guarded by mu_
};

}  // namespace

std::unique_ptr<HttpTransport> NewCurlTransport(const TransportOptions& options) {
  return std::make_unique<CurlTransport>(options);
}

}  // namespace arbor::http
