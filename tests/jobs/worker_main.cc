// arbor_test_worker: a worker process for crash tests. It runs the real Worker loop with
// the small real handlers of tests/support/test_handlers (backup = FileWriterHandler, verify =
// SleepHandler) until SIGTERM/SIGINT, so a test can kill -9 it at any moment.
//
//   arbor_test_worker --catalog URL [--id ID] [--lease-ms N] [--heartbeat-ms N]
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "jobs/worker.h"
#include "support/test_handlers.h"

namespace {

arbor::jobs::Worker* g_worker = nullptr;

void OnSignal(int) {
  if (g_worker != nullptr) g_worker->Stop();  // async-signal-safe: an atomic store
}

bool ParseArgs(int argc, char** argv, std::string* url, arbor::jobs::WorkerOptions* options) {
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    std::string value = argv[i + 1];
    if (flag == "--catalog") {
      *url = value;
    } else if (flag == "--id") {
      options->worker_id = value;
    } else if (flag == "--lease-ms") {
      options->lease = std::chrono::milliseconds(std::atoll(value.c_str()));
    } else if (flag == "--heartbeat-ms") {
      options->heartbeat = std::chrono::milliseconds(std::atoll(value.c_str()));
    } else {
      return false;
    }
  }
  return !url->empty() && argc % 2 == 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string url;
  arbor::jobs::WorkerOptions options;
  options.idle_poll = std::chrono::milliseconds(50);
  options.retry.initial_backoff = std::chrono::milliseconds(100);
  if (!ParseArgs(argc, argv, &url, &options)) {
    std::fprintf(stderr, "usage: %s --catalog URL [--id ID] [--lease-ms N] [--heartbeat-ms N]\n", argv[0]);
    return 2;
  }
  arbor::jobs::HandlerRegistry handlers;
  handlers.Register(arbor::jobs::JobType::kBackup,
                    std::make_unique<arbor::jobs::testing::FileWriterHandler>());
  handlers.Register(arbor::jobs::JobType::kVerify, std::make_unique<arbor::jobs::testing::SleepHandler>());
  auto worker = arbor::jobs::Worker::Connect(url, handlers, options);
  if (!worker.ok()) {
    std::fprintf(stderr, "arbor_test_worker: %s\n", worker.status().ToString().c_str());
    return 1;
  }
  g_worker = worker->get();
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  arbor::Status st = (*worker)->Run();
  g_worker = nullptr;
  if (!st.ok()) std::fprintf(stderr, "arbor_test_worker: %s\n", st.ToString().c_str());
  return st.ok() ? 0 : 1;
}
