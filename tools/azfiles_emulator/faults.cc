#include "faults.h"

#include <nlohmann/json.hpp>

#include <charconv>

namespace arbor::azfiles {
namespace {

bool ParseInt(const std::string& s, int64_t* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size() && *out >= 0;
}

bool ParseRate(const std::string& s, double* out) {
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || v < 0 || v > 1) return false;
  *out = v;
  return true;
}

}  // namespace

bool ApplyFaultSetting(const std::string& name, const std::string& value, FaultOptions* o) {
  if (name == "latency_ms") return ParseInt(value, &o->latency_ms);
  if (name == "busy_rate") return ParseRate(value, &o->busy_rate);
  if (name == "drop_rate") return ParseRate(value, &o->drop_rate);
  if (name == "truncate_rate") return ParseRate(value, &o->truncate_rate);
  if (name == "corrupt_xml_rate") return ParseRate(value, &o->corrupt_xml_rate);
  if (name == "slow_body_bps") return ParseInt(value, &o->slow_body_bps);
  if (name == "retry_after_s") return ParseInt(value, &o->retry_after_s);
  return false;
}

FaultOptions Faults::options() const {
  std::lock_guard<std::mutex> lock(mu_);
  return options_;
}

void Faults::set_options(const FaultOptions& options) {
  std::lock_guard<std::mutex> lock(mu_);
  options_ = options;
}

bool Faults::Roll(double rate) {
  if (rate <= 0) return false;
  std::lock_guard<std::mutex> lock(mu_);
  return std::uniform_real_distribution<double>(0, 1)(rng_) < rate;
}

void Faults::CountRequest(const std::string& op) {
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[op];
}

void Faults::CountFault(const std::string& kind) {
  std::lock_guard<std::mutex> lock(mu_);
  ++faults_[kind];
}

std::string Faults::StatsJson() const {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t total = 0;
  for (const auto& [op, n] : requests_) total += n;
  nlohmann::json j = {{"requests", total},
                      {"requests_by_operation", requests_},
                      {"response_body_bytes", body_bytes_.load()},
                      {"file_bytes_served", file_bytes_.load()},
                      {"faults_injected", faults_}};
  return j.dump();
}

void Faults::ResetStats() {
  std::lock_guard<std::mutex> lock(mu_);
  requests_.clear();
  faults_.clear();
  body_bytes_ = 0;
  file_bytes_ = 0;
}

}  // namespace arbor::azfiles
