// arbor serve: the REST API and web UI over the catalog (docs/serve.md), and with --resp
// the Data Database service over the Redis protocol (docs/resp.md), alone or beside it.
// Runs until SIGTERM or SIGINT, then finishes the requests in flight and exits 0.
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <iostream>
#include <thread>

#include "base/state_dir.h"
#include "cli/catalog_context.h"
#include "cli/commands.h"
#include "cli/index_context.h"
#include "resp/resp_server.h"
#include "server/api_server.h"
#include "server/listen_address.h"

namespace arbor::cli {
namespace {

struct ServeArgs {
  std::string listen = "127.0.0.1:8080";
  std::string tls_cert;
  std::string tls_key;
  size_t max_body = 1 << 20;
  int max_page_size = 1000;
  int threads = 64;
  std::string metrics_listen;
  bool listen_given = false;  // --listen on the command line: HTTP beside --resp
  // The RESP server (docs/resp.md); empty resp: none.
  std::string resp;
  std::string resp_data;  // empty: <state dir>/resp
  size_t resp_map_size = size_t{64} << 30;
  size_t resp_max_clients = 10000;
  size_t resp_max_pending = size_t{64} << 20;
  int resp_idle_timeout = 300;
  std::string resp_tls_cert, resp_tls_key;  // both: the RESP listener speaks TLS only
  std::string index;                        // the node index for the analytics ("": the default)
  double rate_limit = 0;                    // requests a second per token; 0: none
  double rate_burst = 0;
};

// The RESP side: the engine over the metadata store and the -r repository (opened now, so
// a missing or locked repository fails at start), and the server. Databases tied to another
// storage by DB.CREATE open it with the same options and credentials.
struct RespSide {
  std::unique_ptr<Repository> repo;
  std::unique_ptr<resp::Engine> engine;
  std::unique_ptr<resp::RespServer> server;
};

Result<RespSide> StartResp(const GlobalOptions& g, const ServeArgs& a, catalog::Catalog& catalog,
                           int* exit_code) {
  ARBOR_ASSIGN_OR_RETURN(server::ListenAddress addr, server::ParseListenAddress(a.resp));
  RespSide side;
  if (!g.repo.empty()) {
    side.repo = OpenRepository(g, exit_code, RepoAccess::kAdds);
    if (!side.repo) return Status::InvalidArgument("--resp: the repository (-r) did not open");
  }
  resp::EngineOptions eo;
  eo.data_dir = a.resp_data.empty() ? StateDir() + "/resp" : a.resp_data;
  eo.map_size = a.resp_map_size;
  resp::RepositoryOpener opener = [g](const std::string& storage) -> Result<std::unique_ptr<Repository>> {
    GlobalOptions other = g;
    other.repo = storage;
    int code = 0;
    auto repo = OpenRepository(other, &code, RepoAccess::kAdds);
    if (!repo) return Status::NotFound("no repository opens at " + storage + " (arbor init it first)");
    return repo;
  };
  ARBOR_ASSIGN_OR_RETURN(side.engine, resp::Engine::Open(eo, &catalog, side.repo.get(), opener));
  resp::RespServerOptions ro;
  ro.host = addr.host;
  ro.port = addr.port;
  ro.max_clients = a.resp_max_clients;
  ro.max_pending_reply = a.resp_max_pending;
  ro.idle_timeout = std::chrono::seconds(a.resp_idle_timeout);
  ro.tls_cert = a.resp_tls_cert;
  ro.tls_key = a.resp_tls_key;
  side.server = std::make_unique<resp::RespServer>(*side.engine, ro);
  return side;
}

Status Serve(const GlobalOptions& g, const ServeArgs& a, int* exit_code) {
  ARBOR_ASSIGN_OR_RETURN(server::ListenAddress addr, server::ParseListenAddress(a.listen));
  // An SQLite catalog's queries run on a pool of read connections, so the connection
  // threads read in parallel; more readers than kMaxCatalogReaders buy nothing on a few
  // cores and cost each its page cache.
  constexpr size_t kMaxCatalogReaders = 16;
  catalog::CatalogOptions catalog_options;
  catalog_options.read_connections = std::min<size_t>(kMaxCatalogReaders, std::max(1, a.threads));
  ARBOR_RETURN_IF_ERROR(MakeDefaultCatalogFolder(g));  // a first `arbor serve` on a fresh machine
  auto catalog = catalog::Catalog::Open(CatalogUrlFor(g), std::move(catalog_options));
  if (!catalog.ok()) return catalog.status();
  // SIGTERM and SIGINT are taken by one waiting thread, which stops the servers. They are
  // blocked before any thread starts (the repository lock's refresher too), so that every
  // thread inherits the mask and none of them takes the signal's default action.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGUSR1);  // only this process's own wake-up, below
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  bool http_on = a.resp.empty() || a.listen_given;
  std::optional<RespSide> resp_side;
  if (!a.resp.empty()) {
    ARBOR_ASSIGN_OR_RETURN(RespSide side, StartResp(g, a, **catalog, exit_code));
    resp_side.emplace(std::move(side));
  }
  server::ServerOptions options;
  options.host = addr.host;
  options.port = addr.port;
  options.tls_cert = a.tls_cert;
  options.tls_key = a.tls_key;
  options.limits.max_body_bytes = a.max_body;
  options.limits.max_page_size = a.max_page_size;
  options.threads = a.threads;
  options.store = g.store;
  options.index_location = a.index;
  options.limits.rate_per_token = a.rate_limit;
  options.limits.rate_burst = a.rate_burst;
  if (!a.metrics_listen.empty()) {
    ARBOR_ASSIGN_OR_RETURN(server::ListenAddress m, server::ParseListenAddress(a.metrics_listen));
    options.metrics_host = m.host;
    options.metrics_port = m.port;
  }
  ARBOR_ASSIGN_OR_RETURN(auto srv, server::ApiServer::Create(**catalog, options));
  if (http_on) {
    ARBOR_ASSIGN_OR_RETURN(int port, srv->Bind());
    std::cerr << "arbor serve: listening on " << (a.tls_cert.empty() ? "http://" : "https://") << addr.host
              << ":" << port << " (catalog " << (*catalog)->url() << ")" << std::endl;
  }
  std::thread resp_thread;
  Status resp_status;
  if (resp_side) {
    ARBOR_ASSIGN_OR_RETURN(int port, resp_side->server->Bind());
    std::cerr << "arbor serve: RESP on " << a.resp.substr(0, a.resp.rfind(':')) << ":" << port << std::endl;
    resp_thread = std::thread([&] { resp_status = resp_side->server->Run(); });
  }
  std::thread watcher([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    srv->Stop();
    if (resp_side) resp_side->server->Stop();
  });
  Status st;
  if (http_on) {
    st = srv->Run();
    if (resp_side) resp_side->server->Stop();  // the HTTP side stopped on its own
  }
  if (resp_thread.joinable()) resp_thread.join();
  if (st.ok()) st = resp_status;
  // Wakes the watcher when the server stopped on its own (its Stop is then a no-op).
  pthread_kill(watcher.native_handle(), SIGUSR1);
  watcher.join();
  std::cerr << "arbor serve: stopped" << std::endl;
  return st;
}

}  // namespace

void RegisterServe(CLI::App& app, GlobalOptions& g, int* exit_code) {
  auto a = std::make_shared<ServeArgs>();
  auto* cmd = app.add_subcommand("serve", "Serve the REST API and web UI over the catalog (docs/serve.md)");
  cmd->add_option("--listen", a->listen, "HOST:PORT, [IPV6]:PORT or :PORT (with --resp: only when given)")
      ->capture_default_str();
  cmd->add_option("--resp", a->resp,
                  "Serve the Redis protocol (docs/resp.md) on HOST:PORT, e.g. 127.0.0.1:6380");
  cmd->add_option("--resp-data", a->resp_data,
                  "The RESP metadata store's folder (default: <state dir>/resp)");
  cmd->add_option("--resp-map-size", a->resp_map_size,
                  "Largest size of the RESP metadata store (accepts GiB)")
      ->capture_default_str()
      ->transform(CLI::AsSizeValue(false));
  cmd->add_option("--resp-max-clients", a->resp_max_clients, "RESP clients served at once")
      ->capture_default_str();
  cmd->add_option("--resp-max-pending", a->resp_max_pending,
                  "Unsent RESP replies per client before its reading pauses (accepts MiB)")
      ->capture_default_str()
      ->transform(CLI::AsSizeValue(false));
  cmd->add_option("--resp-idle-timeout", a->resp_idle_timeout,
                  "Seconds before an idle RESP client is closed (0: never)")
      ->capture_default_str();
  cmd->add_option("--resp-tls-cert", a->resp_tls_cert,
                  "PEM certificate chain: RESP over TLS only (with --resp-tls-key)");
  cmd->add_option("--resp-tls-key", a->resp_tls_key, "PEM private key of --resp-tls-cert");
  cmd->add_option("--metrics-listen", a->metrics_listen,
                  "Also serve GET /metrics here without a token (else /metrics needs an operator token)");
  cmd->add_option("--tls-cert", a->tls_cert, "PEM certificate chain: serve HTTPS (with --tls-key)");
  cmd->add_option("--tls-key", a->tls_key, "PEM private key of --tls-cert");
  cmd->add_option("--max-body", a->max_body, "Largest request body in bytes (accepts KiB/MiB)")
      ->capture_default_str()
      ->transform(CLI::AsSizeValue(false));
  cmd->add_option("--connections", a->threads,
                  "Connections served at once (one thread each while kept alive)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--max-page-size", a->max_page_size, "Largest page_size a listing accepts")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  AddIndexOption(cmd, &a->index);
  cmd->add_option("--rate-limit", a->rate_limit,
                  "Requests a second each API token may make (0: no limit; over it: 429 with Retry-After)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--rate-burst", a->rate_burst,
                  "Requests a token may make at once (default: one second's worth)")
      ->check(CLI::NonNegativeNumber);
  cmd->callback([&g, a, exit_code, cmd] {
    a->listen_given = cmd->count("--listen") > 0;
    Status st = Serve(g, *a, exit_code);
    if (!st.ok()) *exit_code = ReportError(g, st);
  });
}

}  // namespace arbor::cli
