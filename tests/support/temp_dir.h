// Small helpers for tests that need scratch space or a port.
#pragma once

#include <string>

namespace arbor::testing {

// Makes a fresh temporary directory under $TMPDIR (or /tmp) and returns its path
// (empty on failure). The directory and everything in it are removed when the test process
// exits normally (a forked child's exit removes nothing), unless ARBOR_KEEP_TEST_DIRS is set:
// a developer's /tmp otherwise fills with gigabytes of old runs' repositories.
std::string MakeTempDir(const std::string& prefix);
// Returns a TCP port on 127.0.0.1 that was free a moment ago.
int FreeLoopbackPort();
// True when something accepts TCP connections on 127.0.0.1:port (a server has started).
bool CanConnectLoopback(int port);

}  // namespace arbor::testing
