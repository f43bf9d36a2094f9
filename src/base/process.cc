#include "base/process.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>

namespace arbor {

std::string HostName() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "";
  return buf;
}

bool ProcessAlive(long pid) { return pid <= 0 || ::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH; }

}  // namespace arbor
