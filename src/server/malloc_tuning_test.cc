#include "server/malloc_tuning.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

namespace arbor::server {
namespace {

// Minor page faults of a thread that allocates, touches and frees 1 MiB in 16 KiB blocks
// 20 times (after once to warm up): what a request thread's arena costs per request when
// its freed pages go back to the kernel.
long ChurnFaults() {
  long faults = -1;
  std::thread t([&] {
    auto churn = [] {
      std::vector<void*> blocks;
      for (int i = 0; i < 64; ++i) {
        blocks.push_back(std::malloc(16 << 10));
        std::memset(blocks.back(), i, 16 << 10);
      }
      for (void* b : blocks) std::free(b);
    };
    churn();
    rusage before{}, after{};
    getrusage(RUSAGE_THREAD, &before);
    for (int i = 0; i < 20; ++i) churn();
    getrusage(RUSAGE_THREAD, &after);
    faults = after.ru_minflt - before.ru_minflt;
  });
  t.join();
  return faults;
}

// Each case runs in a fresh process (the "threadsafe" style re-executes the test binary):
// glibc's thresholds are process state that anything earlier in this one may have moved.
TEST(MallocTuningTest, FreedArenaPagesStayForTheNextRequest) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  // Without the tuning the 20 rounds fault pages back in every time (~1,800 here): the
  // measure can see what the tuning prevents.
  EXPECT_EXIT(std::exit(ChurnFaults() > 20L * 32 ? 0 : 1), ::testing::ExitedWithCode(0), "");
  EXPECT_EXIT(
      {
        TuneMallocForRequests();
        std::exit(ChurnFaults() < 64 ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace arbor::server
