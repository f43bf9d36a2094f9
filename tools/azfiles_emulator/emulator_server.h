// The HTTP front of the emulator (cpp-httplib): converts requests for FileService, applies
// injected faults, streams file bodies, and serves the control endpoints:
//   GET /__emulator/stats          counters as JSON
//   PUT /__emulator/stats/reset    zeroes the counters
//   PUT /__emulator/faults?k=v...  changes fault settings (see faults.h)
//   GET /__emulator/faults         current fault settings as JSON
// Path-style URLs: http://HOST:PORT/ACCOUNT/SHARE/PATH.
#pragma once

#include <memory>
#include <string>

#include "auth.h"
#include "base/status.h"
#include "faults.h"
#include "file_service.h"
#include "http/listen_backlog.h"
#include "store.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace arbor::azfiles {

struct EmulatorOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: any free port
  std::string data_dir;
  std::string account = "devstoreaccount1";
  std::string key_base64 =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
  FaultOptions faults;
  uint64_t seed = 1;
  int threads = 256;  // one per keep-alive connection: above what an arbor backup opens
};

class EmulatorServer {
 public:
  static Result<std::unique_ptr<EmulatorServer>> Create(const EmulatorOptions& options);
  ~EmulatorServer();

  // Binds; returns the port (useful with port 0).
  Result<int> Bind();
  // Serves until Stop(); call after Bind().
  Status Serve();
  void Stop();
  // Stops accepting, lets the store finish its current operation and freezes it, so the
  // process can exit at once instead of waiting for idle keep-alive connections.
  void StopForExit();

 private:
  EmulatorServer() = default;
  void Install();
  void InstallControlEndpoints();
  void HandleServiceRequest(const httplib::Request& req, httplib::Response* res);

  EmulatorOptions options_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<FileService> service_;
  std::unique_ptr<Faults> faults_;
  std::unique_ptr<httplib::Server> http_;
  // cpp-httplib listens with a backlog of 5: a client opening its 32 connections at once
  // lost SYNs to the full queue and waited 1 s for their retransmit (docs/benchmarks-azure.md).
  http::ListenBacklog backlog_;
};

}  // namespace arbor::azfiles
