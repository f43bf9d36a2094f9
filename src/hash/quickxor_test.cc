#include "hash/quickxor.h"

#include <unistd.h>

#include <cstdio>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "base/file_util.h"
#include "base/hex.h"

namespace arbor {
namespace {

std::string Hex(const std::array<uint8_t, QuickXorHash::kBytes>& h) {
  return ToHex(std::string_view(reinterpret_cast<const char*>(h.data()), h.size()));
}

// Runs `rclone hashsum quickxor` on `data` written to a temp file: an independent
// implementation of Microsoft's algorithm.
std::string RcloneQuickXor(const std::string& data) {
  char path[] = "/tmp/arbor-qxh-XXXXXX";
  int fd = ::mkstemp(path);
  EXPECT_TRUE(WriteFull(fd, data, path).ok());
  ::close(fd);
  std::string cmd = std::string("rclone hashsum quickxor ") + path + " 2>/dev/null";
  FILE* p = ::popen(cmd.c_str(), "r");
  char buf[256] = {};
  std::string out = std::fgets(buf, sizeof buf, p) ? std::string(buf) : std::string();
  ::pclose(p);
  ::unlink(path);
  return out.substr(0, 40);
}

TEST(QuickXorTest, KnownVectorHello) {
  EXPECT_EQ(Hex(QuickXorOf("hello")), "6828031bd8f00600000000000500000000000000");
}

TEST(QuickXorTest, EmptyInputIsAllZero) { EXPECT_EQ(Hex(QuickXorOf("")), std::string(40, '0')); }

TEST(QuickXorTest, MatchesRcloneOnSeveralSizes) {
  std::mt19937_64 rng(42);
  for (size_t size : {0UL, 1UL, 159UL, 160UL, 161UL, 4096UL, 3UL * 1024 * 1024 + 17}) {
    std::string data(size, '\0');
    for (auto& c : data) c = static_cast<char>(rng());
    EXPECT_EQ(Hex(QuickXorOf(data)), RcloneQuickXor(data)) << "size " << size;
  }
}

TEST(QuickXorTest, StreamingInOddPiecesEqualsOneShot) {
  std::string data(10000, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 31 + 7);
  QuickXorHash h;
  size_t pos = 0;
  for (size_t step : {1UL, 7UL, 160UL, 333UL, 5000UL}) {
    h.Update(std::string_view(data).substr(pos, step));
    pos += step;
  }
  h.Update(std::string_view(data).substr(pos));
  EXPECT_EQ(Hex(h.Finish()), Hex(QuickXorOf(data)));
}

TEST(QuickXorTest, SkipZerosEqualsHashingZeros) {
  std::string data = "head" + std::string(100000, '\0') + "tail";
  QuickXorHash h;
  h.Update("head");
  h.SkipZeros(100000);
  h.Update("tail");
  EXPECT_EQ(Hex(h.Finish()), Hex(QuickXorOf(data)));
}

// Replaces `len` bytes at `offset` of `data` (growing it if needed) with random bytes.
void Scribble(std::string* data, size_t offset, size_t len, std::mt19937_64* rng) {
  if (data->size() < offset + len) data->resize(offset + len, '\0');
  for (size_t i = 0; i < len; ++i) (*data)[offset + i] = static_cast<char>((*rng)());
}

TEST(QuickXorTest, UpdateAtOfOldAndNewBytesAmendsTheHash) {
  std::mt19937_64 rng(7);
  std::string before(1 << 20, '\0');
  Scribble(&before, 0, before.size(), &rng);
  std::string after = before;
  std::vector<std::pair<size_t, size_t>> changed = {{0, 1}, {159, 3}, {4096, 65536}, {500000, 161}, {1048575, 1}};
  for (auto [off, len] : changed) Scribble(&after, off, len, &rng);
  QuickXorHash delta;
  for (auto [off, len] : changed) {
    delta.UpdateAt(off, std::string_view(before).substr(off, len));
    delta.UpdateAt(off, std::string_view(after).substr(off, len));
  }
  delta.SetLength(after.size());
  EXPECT_EQ(Hex(delta.Amend(QuickXorOf(before), before.size())), Hex(QuickXorOf(after)));
}

TEST(QuickXorTest, AmendFollowsGrowthAndTruncation) {
  std::mt19937_64 rng(9);
  std::string base(300001, '\0');
  Scribble(&base, 0, base.size(), &rng);
  // Grow: the new tail is only XORed in.
  std::string grown = base;
  Scribble(&grown, base.size(), 12345, &rng);
  QuickXorHash grow;
  grow.UpdateAt(base.size(), std::string_view(grown).substr(base.size()));
  grow.SetLength(grown.size());
  EXPECT_EQ(Hex(grow.Amend(QuickXorOf(base), base.size())), Hex(QuickXorOf(grown)));
  // Shrink: the cut tail is XORed out.
  std::string cut = base.substr(0, 77777);
  QuickXorHash shrink;
  shrink.UpdateAt(cut.size(), std::string_view(base).substr(cut.size()));
  shrink.SetLength(cut.size());
  EXPECT_EQ(Hex(shrink.Amend(QuickXorOf(base), base.size())), Hex(QuickXorOf(cut)));
}

TEST(QuickXorTest, UpdateAtDoesNotMoveTheLength) {
  QuickXorHash h;
  h.Update("abc");
  h.UpdateAt(1000, "zz");
  h.UpdateAt(1000, "zz");
  EXPECT_EQ(h.length(), 3U);
  EXPECT_EQ(Hex(h.Finish()), Hex(QuickXorOf("abc")));
}

}  // namespace
}  // namespace arbor
