// WalkReadAhead: results equal the work's, in the walker's order, and the workers stop at
// the budget of finished results (counted by the owner's cost) until the walker takes.
#include "archiver/walk_read_ahead.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

namespace arbor {
namespace {

using namespace std::chrono_literals;

// Waits up to 10 s for `done` to reach `at_least`; returns the count then.
int WaitFor(const std::atomic<int>& done, int at_least) {
  for (int i = 0; i < 1000 && done.load() < at_least; ++i) std::this_thread::sleep_for(10ms);
  return done.load();
}

std::string PathOf(int i) { return "/d" + std::to_string(100 + i); }

TEST(WalkReadAheadTest, TakeGivesTheWorksResultWhoeverDidIt) {
  std::atomic<int> done{0};
  WalkReadAhead<int, std::string> ahead(
      2, 1000,
      [&](const std::string& path, const int& request) {
        ++done;
        return path + "#" + std::to_string(request);
      },
      [](const std::string&) -> size_t { return 1; });
  for (int i = 0; i < 50; ++i) ahead.Expect(PathOf(i), i);
  WaitFor(done, 50);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(ahead.Take(PathOf(i), i), PathOf(i) + "#" + std::to_string(i));
  // Another request than the expected one is worked again, not answered from the slot.
  ahead.Expect("/e", 1);
  EXPECT_EQ(ahead.Take("/e", 2), "/e#2");
  WalkAheadStats stats = ahead.stats();
  EXPECT_EQ(stats.taken, 51U);
  EXPECT_EQ(stats.hits, 50U);  // all fifty were done before the first Take
}

TEST(WalkReadAheadTest, WithoutWorkersTheWalkerDoesTheWork) {
  int done = 0;
  WalkReadAhead<int, int> ahead(
      0, 10,
      [&](const std::string&, const int& request) {
        ++done;
        return request;
      },
      [](const int&) -> size_t { return 1; });
  for (int i = 0; i < 5; ++i) ahead.Expect(PathOf(i), i);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(ahead.Take(PathOf(i), i), i);
  EXPECT_EQ(done, 5);
  EXPECT_EQ(ahead.stats().hits, 0U);
}

// The budget counts the owner's cost of each finished result: with results of cost 3 and
// a budget of 12, the workers stop after 4 (plus at most one in flight per worker), and
// go on once the walker has taken some.
TEST(WalkReadAheadTest, WorkersStopAtTheBudgetUntilTheWalkerTakes) {
  constexpr int kThreads = 2;
  std::atomic<int> done{0};
  WalkReadAhead<int, int> ahead(
      kThreads, 12,
      [&](const std::string&, const int& request) {
        ++done;
        return request;
      },
      [](const int&) -> size_t { return 3; });
  for (int i = 0; i < 40; ++i) ahead.Expect(PathOf(i), i);
  EXPECT_GE(WaitFor(done, 4), 4);
  std::this_thread::sleep_for(200ms);  // time to overrun the budget, were it not kept
  int before = done.load();
  EXPECT_LE(before, 4 + kThreads) << "the workers went past the budget";
  for (int i = 0; i < 10; ++i) EXPECT_EQ(ahead.Take(PathOf(i), i), i);
  // Ten taken (some done by this thread): room again, so the workers go on.
  EXPECT_GE(WaitFor(done, 14), 14);
  std::this_thread::sleep_for(200ms);
  EXPECT_LE(done.load(), 14 + kThreads);
}

}  // namespace
}  // namespace arbor
