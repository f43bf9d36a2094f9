#include "hash/quickxor.h"

#include <unistd.h>

#include <cstdio>
#include <random>
#include <string>

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

}  // namespace
}  // namespace arbor
