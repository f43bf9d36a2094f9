// arbor-azfiles-emulator: a local Azure Files (FileREST) service for tests.
//
//   arbor-azfiles-emulator --port P --data DIR [--account NAME --key BASE64KEY]
//                          [--latency-ms N --busy-rate R --drop-rate R --truncate-rate R
//                           --corrupt-xml-rate R --slow-body-bps N --retry-after-s N]
//   arbor-azfiles-emulator --data DIR --populate SHARE:DIRS:FILES_PER_DIR
//
// Prints exactly one line once it listens:
//   arbor-azfiles-emulator listening on http://127.0.0.1:PORT/ACCOUNT
// and serves until SIGINT or SIGTERM.
#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <iostream>
#include <thread>

#include "emulator_server.h"

namespace {

using arbor::azfiles::EmulatorOptions;
using arbor::azfiles::EmulatorServer;

int Populate(const EmulatorOptions& options, const std::string& spec) {
  unsigned long long dirs = 0, files = 0;
  size_t colon = spec.find(':');
  if (colon == std::string::npos || std::sscanf(spec.c_str() + colon + 1, "%llu:%llu", &dirs, &files) != 2) {
    std::cerr << "--populate wants SHARE:DIRS:FILES_PER_DIR\n";
    return 2;
  }
  auto store = arbor::azfiles::Store::Open(options.data_dir);
  if (!store.ok()) {
    std::cerr << store.status().ToString() << "\n";
    return 1;
  }
  arbor::Status st = (*store)->Populate(spec.substr(0, colon), dirs, files);
  if (!st.ok()) {
    std::cerr << st.ToString() << "\n";
    return 1;
  }
  std::cout << "populated share " << spec.substr(0, colon) << " with " << dirs << " directories of " << files
            << " files\n";
  return 0;
}

// Waits for SIGINT/SIGTERM on a thread, so the server stops outside signal context. Idle
// keep-alive connections would hold the HTTP server's workers for their whole timeout, so
// once the store is frozen the process exits without waiting for them.
std::thread StopOnSignal(EmulatorServer* server) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return std::thread([server, set] {
    int sig = 0;
    sigwait(&set, &sig);
    if (sig == SIGUSR1) return;  // the server ended on its own
    server->StopForExit();
    std::fflush(stdout);
    std::_Exit(0);
  });
}

}  // namespace

int main(int argc, char** argv) {
  EmulatorOptions o;
  std::string populate;
  CLI::App app{"Azure Files REST emulator for arbor's tests"};
  app.add_option("--port", o.port, "TCP port (0: any free port)");
  app.add_option("--host", o.host, "address to listen on");
  app.add_option("--data", o.data_dir, "state directory (created if missing)")->required();
  app.add_option("--account", o.account, "storage account name");
  app.add_option("--key", o.key_base64, "account key (base64)");
  app.add_option("--threads", o.threads, "HTTP worker threads");
  app.add_option("--latency-ms", o.faults.latency_ms, "added latency per request");
  app.add_option("--busy-rate", o.faults.busy_rate, "fraction of requests answered 503 ServerBusy");
  app.add_option("--drop-rate", o.faults.drop_rate, "fraction of connections dropped before a response");
  app.add_option("--truncate-rate", o.faults.truncate_rate, "fraction of response bodies cut short");
  app.add_option("--corrupt-xml-rate", o.faults.corrupt_xml_rate, "fraction of XML bodies garbled");
  app.add_option("--slow-body-bps", o.faults.slow_body_bps, "pace response bodies to this many bytes/s");
  app.add_option("--retry-after-s", o.faults.retry_after_s, "Retry-After on injected 503s");
  app.add_option("--seed", o.seed, "random seed for fault injection");
  app.add_option("--populate", populate, "seed SHARE:DIRS:FILES_PER_DIR empty files, then exit");
  CLI11_PARSE(app, argc, argv);

  if (!populate.empty()) return Populate(o, populate);
  auto server = EmulatorServer::Create(o);
  if (!server.ok()) {
    std::cerr << "arbor-azfiles-emulator: " << server.status().ToString() << "\n";
    return 1;
  }
  std::thread stopper = StopOnSignal(server->get());
  auto port = (*server)->Bind();
  if (!port.ok()) {
    std::cerr << "arbor-azfiles-emulator: " << port.status().ToString() << "\n";
    return 1;
  }
  std::cout << "arbor-azfiles-emulator listening on http://" << o.host << ":" << *port << "/" << o.account
            << std::endl;
  arbor::Status st = (*server)->Serve();
  pthread_kill(stopper.native_handle(), SIGUSR1);
  stopper.join();
  if (!st.ok()) {
    std::cerr << "arbor-azfiles-emulator: " << st.ToString() << "\n";
    return 1;
  }
  return 0;
}
