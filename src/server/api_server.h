// ApiServer: `arbor serve`, the REST API (and the web UI, web_ui.h) over one catalog.
//
//   ARBOR_ASSIGN_OR_RETURN(auto server, ApiServer::Create(*catalog, options));
//   ARBOR_ASSIGN_OR_RETURN(int port, server->Bind());
//   std::thread t([&] { (void)server->Run(); });   // until Stop()
//
// Every /api/v1 route except the OpenAPI document needs `Authorization: Bearer <token>`
// (the catalog's API tokens); a tenant token sees only its tenant, and another tenant's
// ids answer 404 exactly as ids that do not exist. Errors are JSON {"error", "message"}.
// One access-log line per request (access_log.h).
//
// Ownership: the catalog must outlive the server. Thread safety: Stop may be called from
// any thread (a signal watcher); requests run on the HTTP library's thread pool.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "base/status.h"
#include "catalog/catalog.h"
#include "http/listen_backlog.h"
#include "server/access_log.h"
#include "server/api_context.h"
#include "server/metrics.h"
#include "server/rate_limiter.h"
#include "server/route_table.h"
#include "server/snapshot_analytics.h"
#include "server/web_ui.h"
#include "store/store_options.h"

namespace httplib {
class Server;
struct Response;
}  // namespace httplib

namespace arbor::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: a free port (Bind returns it)
  // Both or neither: HTTPS with this PEM certificate chain and key.
  std::string tls_cert;
  std::string tls_key;
  ServerLimits limits;
  // Connections served at once. The HTTP library gives each connection a thread for as
  // long as it is kept alive, so this bounds concurrent clients, not only requests.
  int threads = 64;
  AccessLogSink access_log;                                       // null: stderr
  std::chrono::milliseconds session_ttl = std::chrono::hours(8);  // web UI sign-ins
  // A second listener that serves only GET /metrics, without a token (for a Prometheus
  // scraper on a private network). Port -1: none; /metrics then needs an operator token.
  std::string metrics_host = "127.0.0.1";
  int metrics_port = -1;
  StoreOptions store = StoreOptions::FromEnvironment();
  // The node index store the analytics read and keep (an SQLite file or postgres:// URL;
  // "": the CLI's default, so `arbor du` and the server share what either indexed).
  std::string index_location;
};

class ApiServer {
 public:
  // InvalidArgument for a bad TLS pair (one of the two, or files that do not load).
  static Result<std::unique_ptr<ApiServer>> Create(catalog::Catalog& catalog, ServerOptions options);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Binds the listening socket (and the metrics one); returns the port. Unavailable when
  // it cannot.
  Result<int> Bind();
  // The metrics listener's port after Bind (-1 without one).
  int metrics_port() const { return metrics_port_; }
  // Serves until Stop (requests in flight are finished first). Bind first.
  Status Run();
  void Stop();

  const RouteTable& routes() const { return routes_; }
  httplib::Server& http() { return *http_; }
  ApiContext& context() { return context_; }
  WebUi& web_ui() { return *web_; }

 private:
  ApiServer(catalog::Catalog& catalog, ServerOptions options, std::unique_ptr<httplib::Server> http);
  void Register(const Route& route);
  void InstallHooks();
  Status ServeMetrics(httplib::Response& res);

  ServerOptions options_;
  std::unique_ptr<httplib::Server> http_;
  RepositoryCache repos_;
  SnapshotAnalytics analytics_;
  ChangeTotalsCache change_totals_;
  ApiContext context_;
  RouteTable routes_;
  std::unique_ptr<WebUi> web_;
  RequestMetrics metrics_;
  std::unique_ptr<RateLimiter> limiter_;           // null without a rate limit
  std::unique_ptr<httplib::Server> metrics_http_;  // null without --metrics-listen
  int metrics_port_ = -1;
  http::ListenBacklog backlog_, metrics_backlog_;
};

// "operator", "tenant:<id>", or "-" before authentication: what the access log records
// for the request running on this thread.
void NoteRequestPrincipal(const std::string& who);

// The principal behind "Authorization: Bearer <token>". PermissionDenied (the caller
// answers 401) for a missing, malformed, unknown or revoked token.
Result<catalog::Principal> AuthenticateBearer(catalog::Catalog& catalog, const std::string& authorization);

}  // namespace arbor::server
