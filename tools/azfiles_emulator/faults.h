// Fault injection and traffic counters of the emulator.
//
// Faults (all off by default, changeable at run time through /__emulator/faults):
//   latency_ms       added before every request is handled
//   busy_rate        fraction of requests refused with 503 ServerBusy (operation not run)
//   drop_rate        fraction of requests whose connection is closed without a complete
//                    response (operation not run)
//   truncate_rate    fraction of responses with a body cut in the middle (operation run)
//   corrupt_xml_rate fraction of XML success bodies replaced by a truncated document with a
//                    matching Content-Length (operation run)
//   slow_body_bps    response bodies are paced to this many bytes per second (0: off)
//   retry_after_s    Retry-After sent with injected 503s (0: none)
// Counters (read through /__emulator/stats as JSON): requests by operation, response body
// bytes, file bytes served by Get File, and how many of each fault were injected.
// Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <random>
#include <string>

#include "http/http_transport.h"

namespace arbor::azfiles {

struct FaultOptions {
  int64_t latency_ms = 0;
  double busy_rate = 0;
  double drop_rate = 0;
  double truncate_rate = 0;
  double corrupt_xml_rate = 0;
  int64_t slow_body_bps = 0;
  int64_t retry_after_s = 0;
};

// Applies "name=value" pairs (as from a query string); false on an unknown name or value.
bool ApplyFaultSetting(const std::string& name, const std::string& value, FaultOptions* options);

class Faults {
 public:
  explicit Faults(FaultOptions options, uint64_t seed) : options_(options), rng_(seed) {}

  FaultOptions options() const;
  void set_options(const FaultOptions& options);
  // One random draw against a rate, e.g. Roll(options().busy_rate).
  bool Roll(double rate);

  // Counters.
  void CountRequest(const std::string& op);
  void CountBodyBytes(uint64_t n) { body_bytes_ += n; }
  void CountFileBytes(uint64_t n) { file_bytes_ += n; }
  void CountFault(const std::string& kind);
  std::string StatsJson() const;
  void ResetStats();

 private:
  mutable std::mutex mu_;
  FaultOptions options_;                       // guarded by mu_
  std::mt19937_64 rng_;                        // guarded by mu_
  std::map<std::string, uint64_t> requests_;   // guarded by mu_
  std::map<std::string, uint64_t> faults_;     // guarded by mu_
  std::atomic<uint64_t> body_bytes_{0};
  std::atomic<uint64_t> file_bytes_{0};
};

}  // namespace arbor::azfiles
