#include "server/access_log.h"

#include <chrono>
#include <cmath>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>

namespace arbor::server {

std::string FormatAccessLog(const AccessLogEntry& e) {
  int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  nlohmann::json line = {{"time_ms", now_ms},
                         {"method", e.method},
                         {"path", e.path},
                         {"status", e.status},
                         {"ms", std::round(e.ms * 100) / 100},
                         {"principal", e.principal}};
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

AccessLogSink StderrAccessLog() {
  auto mu = std::make_shared<std::mutex>();
  return [mu](std::string_view line) {
    std::lock_guard lock(*mu);
    std::cerr << line << '\n' << std::flush;
  };
}

}  // namespace arbor::server
