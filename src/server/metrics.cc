#include "server/metrics.h"

#include <cstdio>

#include "jobs/job_counts.h"

namespace arbor::server {
namespace {

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.6g", v);
  return buf;
}

}  // namespace

void RequestMetrics::Observe(std::string_view method, int status, double seconds) {
  std::string code_class = std::to_string(status / 100) + "xx";
  std::lock_guard lock(mu_);
  Series& s = series_[{std::string(method), code_class}];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++s.buckets[i];
      break;
    }
  }
  ++s.count;
  s.sum += seconds;
}

std::string RequestMetrics::Render() const {
  std::string out =
      "# HELP arbor_http_requests_total Requests answered, by method and status class.\n"
      "# TYPE arbor_http_requests_total counter\n";
  std::string hist =
      "# HELP arbor_http_request_duration_seconds Time to answer a request.\n"
      "# TYPE arbor_http_request_duration_seconds histogram\n";
  std::lock_guard lock(mu_);
  for (const auto& [key, s] : series_) {
    std::string labels = "method=\"" + key.first + "\",code=\"" + key.second + "\"";
    out += "arbor_http_requests_total{" + labels + "} " + std::to_string(s.count) + "\n";
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += s.buckets[i];
      hist += "arbor_http_request_duration_seconds_bucket{" + labels + ",le=\"" + Number(kBuckets[i]) +
              "\"} " + std::to_string(cumulative) + "\n";
    }
    hist += "arbor_http_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} " +
            std::to_string(s.count) + "\n";
    hist += "arbor_http_request_duration_seconds_sum{" + labels + "} " + Number(s.sum) + "\n";
    hist += "arbor_http_request_duration_seconds_count{" + labels + "} " + std::to_string(s.count) + "\n";
  }
  return out + hist;
}

Result<std::string> RenderMetrics(const RequestMetrics& requests, catalog::Catalog& catalog) {
  ARBOR_ASSIGN_OR_RETURN(auto counts, jobs::CountJobs(catalog));
  std::string out = requests.Render();
  out +=
      "# HELP arbor_jobs Jobs in the queue's table, by state and type.\n"
      "# TYPE arbor_jobs gauge\n";
  int64_t queued = 0;
  std::map<std::string, jobs::JobTotals> done_by_type;
  for (const auto& [key, t] : counts) {
    out += "arbor_jobs{state=\"" + key.first + "\",type=\"" + key.second + "\"} " + std::to_string(t.jobs) +
           "\n";
    if (key.first == "queued") queued += t.jobs;
    if (key.first == "succeeded") {
      done_by_type[key.second].files += t.files;
      done_by_type[key.second].bytes += t.bytes;
    }
  }
  out +=
      "# HELP arbor_job_queue_depth Jobs waiting for a worker.\n"
      "# TYPE arbor_job_queue_depth gauge\n"
      "arbor_job_queue_depth " +
      std::to_string(queued) + "\n";
  out +=
      "# HELP arbor_job_files Files reported by succeeded jobs, by type.\n"
      "# TYPE arbor_job_files gauge\n";
  for (const auto& [type, t] : done_by_type)
    out += "arbor_job_files{type=\"" + type + "\"} " + std::to_string(t.files) + "\n";
  out +=
      "# HELP arbor_job_bytes Bytes reported by succeeded jobs, by type.\n"
      "# TYPE arbor_job_bytes gauge\n";
  for (const auto& [type, t] : done_by_type)
    out += "arbor_job_bytes{type=\"" + type + "\"} " + std::to_string(t.bytes) + "\n";
  return out;
}

}  // namespace arbor::server
