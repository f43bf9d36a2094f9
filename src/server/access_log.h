// The access log of `arbor serve`: one JSON line per request with the method, the path
// (without the query string), the status, the time taken and who asked. Never a header,
// a cookie or a query parameter, so no token or session ever reaches a log.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace arbor::server {

struct AccessLogEntry {
  std::string method;
  std::string path;
  int status = 0;
  double ms = 0;
  std::string principal;  // "operator", "tenant:<id>" or "-" (unauthenticated)
};

std::string FormatAccessLog(const AccessLogEntry& entry);

// Where lines go. The default writes to stderr, one write per line.
using AccessLogSink = std::function<void(std::string_view line)>;
AccessLogSink StderrAccessLog();

}  // namespace arbor::server
