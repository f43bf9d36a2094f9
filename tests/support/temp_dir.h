// Small helpers for tests that need scratch space or a port.
#pragma once

#include <string>

namespace arbor::testing {

// Makes a fresh temporary directory under $TMPDIR (or /tmp) and returns its path
// (empty on failure).
std::string MakeTempDir(const std::string& prefix);
// Returns a TCP port on 127.0.0.1 that was free a moment ago.
int FreeLoopbackPort();
// True when something accepts TCP connections on 127.0.0.1:port (a server has started).
bool CanConnectLoopback(int port);

}  // namespace arbor::testing
