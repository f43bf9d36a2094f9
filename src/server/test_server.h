// For the server's tests: `arbor serve` in-process on a free port over a test's catalog,
// and an in-process worker that runs the queue's jobs until a given one has ended. Header
// only; the tests that include it link arbor_server and gtest.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "catalog/catalog.h"
#include "job_handlers/engine_handlers.h"
#include "jobs/job_queue.h"
#include "jobs/worker.h"
#include "server/api_server.h"

namespace arbor::server {

// The server running on its own thread; stopped and joined on destruction.
class RunningServer {
 public:
  RunningServer() = default;
  RunningServer(const RunningServer&) = delete;
  RunningServer& operator=(const RunningServer&) = delete;
  ~RunningServer() { Stop(); }

  // Binds a free port (options.port is set to 0) and starts serving. Fails the test on error.
  void Start(catalog::Catalog& catalog, ServerOptions options) {
    options.port = 0;
    auto server = ApiServer::Create(catalog, options);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(*server);
    auto port = server_->Bind();
    ASSERT_TRUE(port.ok()) << port.status().ToString();
    port_ = *port;
    thread_ = std::thread([this] { (void)server_->Run(); });
  }
  void Stop() {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
  }

  ApiServer& server() { return *server_; }
  int port() const { return port_; }

 private:
  std::unique_ptr<ApiServer> server_;
  std::thread thread_;
  int port_ = 0;
};

// Runs jobs on an in-process worker (the engine's handlers) until job `id` has ended;
// returns it as it ended. Fails the test when it does not end within 100 runs.
inline jobs::Job RunJobUntilDone(catalog::Catalog& catalog, int64_t id, int threads = 1) {
  jobs::HandlerRegistry handlers;
  job_handlers::HandlerOptions options;
  options.threads = threads;
  job_handlers::RegisterEngineHandlers(handlers, options);
  jobs::WorkerOptions wo;
  wo.worker_id = "server-test";
  wo.idle_poll = std::chrono::milliseconds(20);
  wo.schedules_every = std::chrono::milliseconds(0);
  jobs::Worker worker(catalog, handlers, wo);
  for (int i = 0; i < 100; ++i) {
    auto ran = worker.RunOnce();
    EXPECT_TRUE(ran.ok()) << ran.status().ToString();
    auto now = jobs::JobQueue(catalog).Get(catalog::Principal::Operator(), id);
    if (now.ok() && jobs::IsTerminal(now->state)) return *now;
  }
  ADD_FAILURE() << "job " << id << " did not end";
  return {};
}

}  // namespace arbor::server
