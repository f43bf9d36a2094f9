// Prometheus metrics of `arbor serve` (text exposition format 0.0.4): the server's own
// requests (counts and a latency histogram by method and status class) and the job
// queue's totals (jobs by state and type, queue depth, files and bytes reported by jobs).
//
// Thread safety: Observe and Render may be called from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "base/status.h"
#include "catalog/catalog.h"

namespace arbor::server {

class RequestMetrics {
 public:
  // Upper bounds of the latency histogram's buckets, in seconds.
  static constexpr std::array<double, 11> kBuckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                      0.5,   1,    2.5,   5,    10};

  void Observe(std::string_view method, int status, double seconds);
  std::string Render() const;

 private:
  struct Series {
    std::array<uint64_t, kBuckets.size()> buckets{};  // cumulative counts are summed on render
    uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>, Series> series_;  // (method, "2xx"); guarded by mu_
};

// The request metrics followed by the job queue's, read from `catalog` now.
Result<std::string> RenderMetrics(const RequestMetrics& requests, catalog::Catalog& catalog);

}  // namespace arbor::server
