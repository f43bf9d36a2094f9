// Progress of long operations (backup, restore, verify): counters updated by the
// workers and a reporter thread that shows them. On a terminal: one line on stderr,
// redrawn four times a second (files, bytes, rate, ETA when a total is known).
// With --json: one JSON "status" object per second on stdout. Otherwise: silent.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace arbor {

struct ProgressCounters {
  std::atomic<uint64_t> files_done{0};
  std::atomic<uint64_t> bytes_done{0};
  std::atomic<uint64_t> errors{0};
  // Expected totals (0 = unknown), e.g. from the parent snapshot.
  std::atomic<uint64_t> files_expected{0};
  std::atomic<uint64_t> bytes_expected{0};
};

enum class ProgressMode { kQuiet, kTerminal, kJson };

class ProgressReporter {
 public:
  // `verb` names the operation in output ("backup", "restore", "verify").
  ProgressReporter(ProgressMode mode, std::string verb, const ProgressCounters* counters);
  ~ProgressReporter();  // stops and clears the terminal line
  void Stop();

 private:
  void Loop();
  std::string Line(double seconds) const;

  const ProgressMode mode_;
  const std::string verb_;
  const ProgressCounters* counters_;
  const std::chrono::steady_clock::time_point start_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

// "1.5 GiB", "12 KiB", "999 B".
std::string HumanBytes(uint64_t bytes);
// "1:02:03" / "2:03".
std::string HumanDuration(double seconds);

}  // namespace arbor
