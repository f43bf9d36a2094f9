#include "pipeline/prefetch_workers.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace arbor {
namespace {

// One worker, keys queued while there is no room: once there is, they run smallest
// first (bytewise), whatever the order they were queued in; an unqueued key never runs.
TEST(PrefetchWorkersTest, RunsQueuedKeysSmallestFirstWhenThereIsRoom) {
  std::mutex mu;
  std::condition_variable changed;
  bool room = false;
  std::vector<std::string> ran;
  PrefetchWorkers workers(
      mu, changed, 1, [&] { return room; },
      [&](std::unique_lock<std::mutex>& lock, const std::string& key) {
        ran.push_back(key);
        lock.unlock();  // as the prefetchers do while a request runs
        lock.lock();
        changed.notify_all();
      });
  {
    std::lock_guard lock(mu);
    for (const char* key : {"b", "c", "a2", "a10"}) workers.Queue(key);
    workers.Unqueue("c");
    room = true;
  }
  changed.notify_all();
  std::unique_lock lock(mu);
  ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(30), [&] { return ran.size() == 3; }));
  EXPECT_EQ(ran, (std::vector<std::string>{"a10", "a2", "b"}));  // bytewise, as walk-order keys
}

// The destructor stops the workers with keys still queued (no room): it returns, and
// nothing ran.
TEST(PrefetchWorkersTest, StopsWithKeysLeftInTheQueue) {
  std::mutex mu;
  std::condition_variable changed;
  int ran = 0;
  {
    PrefetchWorkers workers(
        mu, changed, 4, [] { return false; },
        [&](std::unique_lock<std::mutex>&, const std::string&) { ++ran; });
    std::lock_guard lock(mu);
    workers.Queue("a");
    EXPECT_FALSE(workers.stopping());
  }
  EXPECT_EQ(ran, 0);
}

}  // namespace
}  // namespace arbor
