// The Azure Files emulator as a child process, for tests: started on a free loopback port
// with a fresh (or given) data directory, stopped with SIGTERM on destruction.
//
//   auto emu = arbor::testing::EmulatorProcess::Start();
//   ASSERT_TRUE(emu.ok()) << emu.status().ToString();
//   auto client = arbor::azure::FilesClient::Create((*emu)->Credentials());
//
// Restart() stops and starts it again on the same data directory (durability tests);
// SetFaults() and Stats() use its control endpoints. Not thread-safe.
#pragma once

#include <csignal>
#include <memory>
#include <string>
#include <vector>

#include "azure/credentials.h"
#include "base/status.h"

namespace arbor::testing {

inline constexpr char kDevAccount[] = "devstoreaccount1";
inline constexpr char kDevKey[] =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

class EmulatorProcess {
 public:
  // `extra_args` go to the emulator's command line (e.g. {"--latency-ms", "20"}).
  static Result<std::unique_ptr<EmulatorProcess>> Start(std::vector<std::string> extra_args = {},
                                                        std::string data_dir = {});
  ~EmulatorProcess();
  EmulatorProcess(const EmulatorProcess&) = delete;
  EmulatorProcess& operator=(const EmulatorProcess&) = delete;

  int port() const { return port_; }
  const std::string& data_dir() const { return data_dir_; }
  std::string Endpoint() const;  // http://127.0.0.1:PORT/devstoreaccount1
  azure::Credentials Credentials() const;

  Status Restart();
  // SIGKILL, then start again on the same data directory (crash durability).
  Status CrashAndRestart();
  // "latency_ms=20&busy_rate=0.1" (see tools/azfiles_emulator/faults.h).
  Status SetFaults(const std::string& query);
  Status ResetStats();
  // The counters as JSON text; StatValue reads one top-level number from it.
  Result<std::string> Stats();
  Result<uint64_t> StatValue(const std::string& name);
  Result<uint64_t> RequestsFor(const std::string& operation);

 private:
  EmulatorProcess() = default;
  Status Launch();
  void Kill(int signal = SIGTERM);

  std::vector<std::string> args_;
  std::string data_dir_;
  bool owns_data_dir_ = false;
  int port_ = 0;
  int pid_ = -1;
};

// The emulator binary (set by CMake).
std::string EmulatorBinary();

}  // namespace arbor::testing
