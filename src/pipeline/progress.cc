#include "pipeline/progress.h"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace arbor {

std::string HumanBytes(uint64_t bytes) {
  static const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  double v = static_cast<double>(bytes);
  int unit = 0;
  while (v >= 1024 && unit < 5) {
    v /= 1024;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, unit == 0 ? "%.0f %s" : "%.1f %s", v, kUnits[unit]);
  return buf;
}

std::string HumanDuration(double seconds) {
  auto s = static_cast<long>(seconds);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  }
  return buf;
}

ProgressReporter::ProgressReporter(ProgressMode mode, std::string verb, const ProgressCounters* counters)
    : mode_(mode), verb_(std::move(verb)), counters_(counters), start_(std::chrono::steady_clock::now()) {
  if (mode_ != ProgressMode::kQuiet) thread_ = std::thread(&ProgressReporter::Loop, this);
}

ProgressReporter::~ProgressReporter() { Stop(); }

void ProgressReporter::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (mode_ == ProgressMode::kTerminal) std::fprintf(stderr, "\r\033[K");
}

std::string ProgressReporter::Line(double seconds) const {
  uint64_t files = counters_->files_done, bytes = counters_->bytes_done;
  double rate = seconds > 0 ? static_cast<double>(bytes) / seconds : 0;
  std::string line = "[" + HumanDuration(seconds) + "] " + verb_ + ": " + std::to_string(files) + " files, " +
                     HumanBytes(bytes) + ", " + HumanBytes(static_cast<uint64_t>(rate)) + "/s";
  uint64_t expected = counters_->bytes_expected;
  if (expected > bytes && rate > 0) {
    line += ", " + std::to_string(bytes * 100 / expected) + "%, ETA " +
            HumanDuration(static_cast<double>(expected - bytes) / rate);
  }
  if (counters_->errors > 0) line += ", " + std::to_string(counters_->errors.load()) + " errors";
  return line;
}

void ProgressReporter::Loop() {
  auto period = mode_ == ProgressMode::kTerminal ? std::chrono::milliseconds(250) : std::chrono::seconds(1);
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, period, [this] { return stopping_; })) {
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (mode_ == ProgressMode::kTerminal) {
      std::fprintf(stderr, "\r\033[K%s", Line(seconds).c_str());
      std::fflush(stderr);
    } else {
      nlohmann::json j = {{"message_type", "status"},
                          {"operation", verb_},
                          {"seconds", seconds},
                          {"files_done", counters_->files_done.load()},
                          {"bytes_done", counters_->bytes_done.load()},
                          {"files_expected", counters_->files_expected.load()},
                          {"bytes_expected", counters_->bytes_expected.load()},
                          {"errors", counters_->errors.load()}};
      std::printf("%s\n", j.dump().c_str());
      std::fflush(stdout);
    }
  }
}

}  // namespace arbor
