// The address `arbor serve --listen` takes: "HOST:PORT", "[IPv6]:PORT" or ":PORT" (all
// interfaces). Port 0 asks the system for a free port (tests).
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace arbor::server {

struct ListenAddress {
  std::string host;
  int port = 0;
};

Result<ListenAddress> ParseListenAddress(std::string_view text);

}  // namespace arbor::server
