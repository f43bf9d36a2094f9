#include "pipeline/malloc_arenas.h"

#include <gtest/gtest.h>
#include <stdio.h>
#include <stdlib.h>

#include <barrier>
#include <string>
#include <thread>
#include <vector>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace arbor {
namespace {

#if defined(__GLIBC__)
// The arenas glibc reports: one <heap nr="..."> element each in malloc_info's XML.
int ArenaCount() {
  char* text = nullptr;
  size_t size = 0;
  FILE* out = open_memstream(&text, &size);
  if (out == nullptr) return -1;
  malloc_info(0, out);
  fclose(out);
  std::string xml(text, size);
  free(text);
  int n = 0;
  for (size_t at = xml.find("<heap nr="); at != std::string::npos; at = xml.find("<heap nr=", at + 1)) ++n;
  return n;
}

// Runs first in its own process (one test binary): no thread has allocated yet. Without
// the cap each of these threads would get an arena of its own (glibc allows 8 per core).
TEST(MallocArenasTest, ThreadsShareNoMoreArenasThanTheCap) {
  int cap = LimitMallocArenas();
  ASSERT_GE(cap, 2);
  constexpr int kThreads = 12;
  std::barrier all_allocated(kThreads);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&all_allocated] {
      std::vector<std::string> held;
      held.reserve(64);
      for (int i = 0; i < 64; ++i) held.emplace_back(4096, 'x');
      all_allocated.arrive_and_wait();  // every thread holds memory at once
    });
  }
  for (auto& t : threads) t.join();
  int arenas = ArenaCount();
  EXPECT_GE(arenas, 1);
  EXPECT_LE(arenas, cap);
}
#endif

}  // namespace
}  // namespace arbor
