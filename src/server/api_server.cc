#include "server/api_server.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <utility>

#include "hash/sha256.h"
#include "server/api_routes.h"
#include "server/http_error.h"
#include "server/malloc_tuning.h"

namespace arbor::server {
namespace {

// The request on this thread: the HTTP library runs a request's routing, handler and
// logger on one thread, so these carry what the logger needs from the handler.
thread_local std::chrono::steady_clock::time_point t_request_start;
thread_local std::string t_request_principal = "-";

struct HttpError {
  std::string_view code;
  std::string_view message;
};

HttpError ErrorForHttp(int status) {
  switch (status) {
    case 400:
      return {"bad_request", "the request is malformed"};
    case 413:
      return {"payload_too_large", "the request body is larger than the server accepts"};
    case 414:
      return {"uri_too_long", "the request URI is too long"};
    default:
      return status >= 500 ? HttpError{"internal", "the server failed"}
                           : HttpError{"http_error", "request refused"};
  }
}

}  // namespace

void NoteRequestPrincipal(const std::string& who) { t_request_principal = who; }

Result<catalog::Principal> AuthenticateBearer(catalog::Catalog& catalog, const std::string& authorization) {
  constexpr std::string_view kScheme = "Bearer ";
  if (authorization.empty())
    return Status::PermissionDenied("an Authorization: Bearer <token> header is required");
  if (authorization.compare(0, kScheme.size(), kScheme) != 0) {
    return Status::PermissionDenied("the Authorization header must be Bearer <token>");
  }
  return catalog.tokens().Authenticate(authorization.substr(kScheme.size()));
}

Result<std::unique_ptr<ApiServer>> ApiServer::Create(catalog::Catalog& catalog, ServerOptions options) {
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    return Status::InvalidArgument("--tls-cert and --tls-key go together");
  }
  std::unique_ptr<httplib::Server> http;
  if (!options.tls_cert.empty()) {
    auto tls = std::make_unique<httplib::SSLServer>(options.tls_cert.c_str(), options.tls_key.c_str());
    if (!tls->is_valid()) {
      return Status::InvalidArgument("cannot load the TLS certificate " + options.tls_cert + " and key " +
                                     options.tls_key);
    }
    http = std::move(tls);
  } else {
    http = std::make_unique<httplib::Server>();
  }
  if (!options.access_log) options.access_log = StderrAccessLog();
  TuneMallocForRequests();  // freed request memory stays for the next request (malloc_tuning.h)
  std::unique_ptr<ApiServer> server(new ApiServer(catalog, std::move(options), std::move(http)));
  AddHealthRoutes(server->routes_, server->context_);
  AddTenantRoutes(server->routes_, server->context_);
  AddShareRoutes(server->routes_, server->context_);
  AddSnapshotRoutes(server->routes_, server->context_);
  AddAnalyticsRoutes(server->routes_, server->context_);
  AddJobRoutes(server->routes_, server->context_);
  AddTokenRoutes(server->routes_, server->context_);
  AddScheduleRoutes(server->routes_, server->context_);
  ApiServer* self = server.get();
  server->routes_.Add({"GET", "/metrics", Access::kAuthenticated,
                       "Prometheus metrics: requests, latency, jobs by state (operator)", [self](Call& c) {
                         ARBOR_RETURN_IF_ERROR(catalog::RequireOperator(c.principal, "reading metrics"));
                         return self->ServeMetrics(c.res);
                       }});
  for (const auto& route : server->routes_.routes()) server->Register(route);
  server->web_ = std::make_unique<WebUi>(
      server->context_, WebUiOptions{server->options_.session_ttl, !server->options_.tls_cert.empty()});
  server->web_->Mount(*server->http_);
  server->InstallHooks();
  if (server->options_.metrics_port >= 0) {
    server->metrics_http_ = std::make_unique<httplib::Server>();
    server->metrics_http_->Get("/metrics", [self](const httplib::Request&, httplib::Response& res) {
      Status st = self->ServeMetrics(res);
      if (!st.ok()) WriteStatus(res, st);
    });
  }
  return server;
}

ApiServer::ApiServer(catalog::Catalog& catalog, ServerOptions options, std::unique_ptr<httplib::Server> http)
    : options_(std::move(options)),
      http_(std::move(http)),
      repos_(catalog, options_.store),
      analytics_(options_.index_location),
      context_{catalog, repos_, options_.limits, analytics_, change_totals_} {
  if (options_.limits.rate_per_token > 0) {
    double burst = options_.limits.rate_burst > 0 ? options_.limits.rate_burst
                                                  : std::max(1.0, options_.limits.rate_per_token);
    limiter_ = std::make_unique<RateLimiter>(options_.limits.rate_per_token, burst);
  }
}

ApiServer::~ApiServer() = default;

void ApiServer::Register(const Route& route) {
  auto handler = [this, &route](const httplib::Request& req, httplib::Response& res) {
    Call call{req, res, catalog::Principal::Operator(), {}};
    if (route.access != Access::kPublic) {
      auto who = AuthenticateBearer(context_.catalog, req.get_header_value("Authorization"));
      if (!who.ok()) {
        WriteError(res, 401, "unauthorized", who.status().message());
        return;
      }
      call.principal = *who;
      NoteRequestPrincipal(who->ToString());
      // Per token, keyed by its hash: the secret is not kept in the limiter's table.
      if (limiter_) {
        if (auto wait = limiter_->Take(Sha256Of(req.get_header_value("Authorization")).Hex())) {
          int64_t seconds = std::max<int64_t>(1, (wait->count() + 999) / 1000);
          res.set_header("Retry-After", std::to_string(seconds));
          WriteError(res, 429, "rate_limited",
                     "this token is over its request rate; retry after " + std::to_string(seconds) + " s");
          return;
        }
      }
    }
    std::vector<std::string> names = PathParams(route.path);
    for (size_t i = 0; i < names.size() && i + 1 < req.matches.size(); ++i)
      call.params[names[i]] = req.matches[i + 1];
    Status st = route.handler(call);
    if (!st.ok()) WriteStatus(res, st);
  };
  std::string pattern = PathRegex(route.path);
  if (route.method == "GET")
    http_->Get(pattern, handler);
  else if (route.method == "POST")
    http_->Post(pattern, handler);
  else if (route.method == "PATCH")
    http_->Patch(pattern, handler);
  else if (route.method == "DELETE")
    http_->Delete(pattern, handler);
  else if (route.method == "PUT")
    http_->Put(pattern, handler);
}

void ApiServer::InstallHooks() {
  http_->set_payload_max_length(options_.limits.max_body_bytes);
  // The library writes a response's headers and body in separate writes: with Nagle's
  // algorithm the body waits for the ACK of the headers, which a kept-alive client
  // delays (~40 ms on Linux), so every request after a connection's first took 40 ms.
  http_->set_tcp_nodelay(true);
  // A connection holds one of the pool's threads while it is kept alive; the library
  // closes it after 5 requests, and every reconnect costs a handshake and a trip through
  // the accept queue. 100 keeps a busy client's connection while a connection past the
  // pool still gets a thread within 100 requests of another (or its 5 s idle timeout).
  http_->set_keep_alive_max_count(100);
  size_t threads = static_cast<size_t>(std::max(1, options_.threads));
  http_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http_->set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
    t_request_start = std::chrono::steady_clock::now();
    t_request_principal = "-";
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // Errors the library answers itself (no route, a body over the limit) get the same JSON
  // shape as the routes' errors; a route's own error body is left alone.
  http_->set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 404) {
      WriteError(res, 404, "no_route", "no route for " + req.method + " " + req.path);
      return;
    }
    HttpError e = ErrorForHttp(res.status);
    WriteError(res, res.status, e.code, e.message);
  });
  http_->set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unexpected error";
    try {
      std::rethrow_exception(std::move(ep));
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    WriteError(res, 500, "internal", what);
  });
  http_->set_logger([sink = options_.access_log, metrics = &metrics_](const httplib::Request& req,
                                                                      const httplib::Response& res) {
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t_request_start).count();
    metrics->Observe(req.method, res.status, ms / 1000);
    sink(FormatAccessLog({req.method, req.path, res.status, ms, t_request_principal}));
    // A request the library answers before routing (413) skips the pre-routing hook: it
    // must not inherit this request's principal (its time is then measured from here).
    t_request_principal = "-";
    t_request_start = std::chrono::steady_clock::now();
  });
}

Result<int> ApiServer::Bind() {
  int port = options_.port;
  backlog_.Watch(*http_);
  bool ok = port == 0 ? (port = http_->bind_to_any_port(options_.host)) > 0
                      : http_->bind_to_port(options_.host, port);
  if (!ok || port <= 0 || !backlog_.Deepen()) {
    return Status::Unavailable("cannot listen on " + options_.host + ":" + std::to_string(options_.port));
  }
  if (metrics_http_) {
    metrics_backlog_.Watch(*metrics_http_);
    metrics_port_ = options_.metrics_port;
    bool bound = metrics_port_ == 0
                     ? (metrics_port_ = metrics_http_->bind_to_any_port(options_.metrics_host)) > 0
                     : metrics_http_->bind_to_port(options_.metrics_host, metrics_port_);
    if (!bound || metrics_port_ <= 0 || !metrics_backlog_.Deepen()) {
      return Status::Unavailable("cannot listen for metrics on " + options_.metrics_host + ":" +
                                 std::to_string(options_.metrics_port));
    }
  }
  return port;
}

Status ApiServer::ServeMetrics(httplib::Response& res) {
  ARBOR_ASSIGN_OR_RETURN(std::string text, RenderMetrics(metrics_, context_.catalog));
  res.set_content(text, "text/plain; version=0.0.4");
  return Status::Ok();
}

Status ApiServer::Run() {
  std::thread metrics;
  if (metrics_http_) metrics = std::thread([this] { metrics_http_->listen_after_bind(); });
  bool ok = http_->listen_after_bind();
  if (metrics_http_) metrics_http_->stop();
  if (metrics.joinable()) metrics.join();
  if (!ok) return Status::Unavailable("the server stopped with an error");
  return Status::Ok();
}

void ApiServer::Stop() {
  http_->stop();
  if (metrics_http_) metrics_http_->stop();
}

}  // namespace arbor::server
