// Who this process is, for objects that record their writer (locks, staging files), and
// whether a process recorded by this host still runs.
#pragma once

#include <string>

namespace arbor {

// gethostname(); "" when it fails.
std::string HostName();
// True unless kill(pid, 0) says there is no such process (ESRCH). Only meaningful for a
// pid recorded on this host.
bool ProcessAlive(long pid);

}  // namespace arbor
