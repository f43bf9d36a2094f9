#include "node_index/cold_column.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace arbor::node_index {
namespace {

std::vector<ColdCell> MakeCells(uint64_t seed, size_t n) {
  std::vector<ColdCell> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    uint64_t x = (seed + i) * 0x9E3779B97F4A7C15ull;
    out.push_back(ColdCell{static_cast<uint32_t>(x >> 40), x ^ seed});
  }
  return out;
}

TEST(ColdColumnTest, ReadsBackRunsFromTheBufferAndFromTheFile) {
  auto col = ColdColumn::Create(::testing::TempDir());
  ASSERT_TRUE(col.ok()) << col.status().ToString();
  ColdColumn& c = **col;
  // Enough runs to cross several 1 MiB flushes: early runs are read from the file, the
  // last ones from the write buffer.
  std::vector<uint64_t> refs;
  std::vector<std::vector<ColdCell>> runs;
  for (uint64_t r = 0; r < 600; ++r) {
    runs.push_back(MakeCells(r, 1 + (r * 37) % 700));
    refs.push_back(c.Append(runs.back()));
  }
  EXPECT_GT(c.bytes_written(), 2u << 20);
  std::vector<ColdCell> got;
  for (size_t r = 0; r < runs.size(); ++r) {
    c.Read(refs[r], runs[r].size(), &got);
    ASSERT_EQ(got, runs[r]) << "run " << r;
  }
  // A part of a run (one cell), as a path lookup reads it.
  c.Read(refs[5] + 3 * kColdCellBytes, 1, &got);
  EXPECT_EQ(got[0], runs[5][3]);
  c.Read(refs[0], 0, &got);
  EXPECT_TRUE(got.empty());
}

// The per-thread copy of the last run read: a second read of it answers from the copy,
// and a new column (which may sit at the freed column's address) never sees the old one's.
TEST(ColdColumnTest, TheLastRunReadIsNeverAnotherColumnsRun) {
  std::vector<ColdCell> got;
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    auto col = ColdColumn::Create(::testing::TempDir());
    ASSERT_TRUE(col.ok()) << col.status().ToString();
    std::vector<ColdCell> run = MakeCells(seed * 1000, 40);
    uint64_t ref = (*col)->Append(run);
    EXPECT_EQ(ref, 0u);  // every column's first run: same offset, same length
    (*col)->Read(ref, run.size(), &got);
    ASSERT_EQ(got, run) << "column " << seed;
    got.clear();
    (*col)->Read(ref, run.size(), &got);
    ASSERT_EQ(got, run) << "column " << seed << ", second read";
  }
  // A run larger than the copy keeps: read twice, right both times.
  auto col = ColdColumn::Create(::testing::TempDir());
  ASSERT_TRUE(col.ok());
  std::vector<ColdCell> big = MakeCells(77, 10'000);
  uint64_t ref = (*col)->Append(big);
  for (int i = 0; i < 2; ++i) {
    (*col)->Read(ref, big.size(), &got);
    ASSERT_EQ(got, big);
  }
}

TEST(ColdColumnTest, ConcurrentAppendsAndReadsKeepEveryRun) {
  auto col = ColdColumn::Create(::testing::TempDir());
  ASSERT_TRUE(col.ok());
  ColdColumn& c = **col;
  std::vector<uint64_t> refs[2];
  auto writer = [&](int t) {
    std::vector<ColdCell> got;
    for (uint64_t r = 0; r < 2000; ++r) {
      std::vector<ColdCell> run = MakeCells(r * 2 + static_cast<uint64_t>(t), 100);
      uint64_t ref = c.Append(run);
      refs[t].push_back(ref);
      c.Read(ref, run.size(), &got);
      ASSERT_EQ(got, run);
    }
  };
  std::thread a(writer, 0), b(writer, 1);
  a.join();
  b.join();
  std::vector<ColdCell> got;
  for (int t = 0; t < 2; ++t) {
    for (uint64_t r = 0; r < 2000; ++r) {
      c.Read(refs[t][r], 100, &got);
      ASSERT_EQ(got, MakeCells(r * 2 + static_cast<uint64_t>(t), 100));
    }
  }
  EXPECT_EQ(c.bytes_written(), uint64_t{2} * 2000 * 100 * kColdCellBytes);
}

TEST(ColdColumnTest, AFolderThatCannotHoldTheFileIsAClearError) {
  auto col = ColdColumn::Create("/nonexistent/arbor-cold");
  ASSERT_FALSE(col.ok());
  EXPECT_TRUE(col.status().Is(StatusCode::kIOError));
  EXPECT_NE(col.status().message().find("/nonexistent/arbor-cold"), std::string::npos);
}

}  // namespace
}  // namespace arbor::node_index
