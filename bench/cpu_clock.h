// Clocks for the plain benchmark drivers. Rates are divided by the CPU time of the
// measuring thread, as `openssl speed` divides by user CPU time: the machine is shared,
// and wall time would measure the neighbours as much as the code.
#pragma once

#include <time.h>

#include <chrono>

namespace arbor::bench {

inline double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

inline double WallSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace arbor::bench
