// arbor serve: the REST API and web UI over the catalog (docs/serve.md). Runs until
// SIGTERM or SIGINT, then finishes the requests in flight and exits 0.
#include <pthread.h>
#include <signal.h>

#include <iostream>
#include <thread>

#include "cli/catalog_context.h"
#include "cli/commands.h"
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
};

Status Serve(const GlobalOptions& g, const ServeArgs& a) {
  ARBOR_ASSIGN_OR_RETURN(server::ListenAddress addr, server::ParseListenAddress(a.listen));
  auto catalog = catalog::Catalog::Open(CatalogUrlFor(g));
  if (!catalog.ok()) return catalog.status();
  server::ServerOptions options;
  options.host = addr.host;
  options.port = addr.port;
  options.tls_cert = a.tls_cert;
  options.tls_key = a.tls_key;
  options.limits.max_body_bytes = a.max_body;
  options.limits.max_page_size = a.max_page_size;
  options.threads = a.threads;
  options.store = g.store;
  if (!a.metrics_listen.empty()) {
    ARBOR_ASSIGN_OR_RETURN(server::ListenAddress m, server::ParseListenAddress(a.metrics_listen));
    options.metrics_host = m.host;
    options.metrics_port = m.port;
  }
  ARBOR_ASSIGN_OR_RETURN(auto srv, server::ApiServer::Create(**catalog, options));
  // SIGTERM and SIGINT are taken by one waiting thread (blocked everywhere else, before
  // the server's threads start, so they inherit the mask), which stops the server.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGUSR1);  // only this process's own wake-up, below
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ARBOR_ASSIGN_OR_RETURN(int port, srv->Bind());
  std::cerr << "arbor serve: listening on " << (a.tls_cert.empty() ? "http://" : "https://") << addr.host
            << ":" << port << " (catalog " << (*catalog)->url() << ")" << std::endl;
  std::thread watcher([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    srv->Stop();
  });
  Status st = srv->Run();
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
  cmd->add_option("--listen", a->listen, "HOST:PORT, [IPV6]:PORT or :PORT")->capture_default_str();
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
  cmd->callback([&g, a, exit_code] {
    Status st = Serve(g, *a);
    if (!st.ok()) *exit_code = ReportError(g, st);
  });
}

}  // namespace arbor::cli
