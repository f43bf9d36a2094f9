// A fixed-seed mutation run of the fuzz harness (the libFuzzer target's contract) that
// every build runs: truncations, byte flips, duplicated and deleted spans and splices of
// valid pipelines, through the parser and the engine's dispatcher.
#include "resp/fuzz_harness.h"

#include <gtest/gtest.h>

#include <random>

#include "base/file_util.h"
#include "support/temp_dir.h"

namespace arbor::resp {
namespace {

TEST(CountRepliesTest, CountsWellFormedValuesOnly) {
  EXPECT_EQ(CountReplies("+OK\r\n:1\r\n$3\r\nabc\r\n*2\r\n$-1\r\n_\r\n%1\r\n+a\r\n#t\r\n"), 5);
  EXPECT_EQ(CountReplies("$3\r\nab\r\n"), -1);
  EXPECT_EQ(CountReplies("*2\r\n+a\r\n"), -1);
  EXPECT_EQ(CountReplies("?\r\n"), -1);
}

std::vector<std::string> Seeds() {
  return {
      "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n",
      "HSET h a 1 b 2\r\nHGETALL h\r\nHSCAN h 0 COUNT 1\r\nHDEL h a\r\n",
      "SADD s x y z\r\nSRANGEBYLEX s (x +\r\nSMEMBERS s\r\nSSCAN s 0 MATCH *\r\n",
      "RPUSH l a b\r\nLPUSH l c\r\nLRANGE l 0 -1\r\nLSET l 1 q\r\nLPOP l\r\n",
      "MULTI\r\nINCR n\r\nEXEC\r\nHELLO 3\r\nSCAN 0 TYPE hash\r\nKEYS *\r\nRENAME l m\r\n",
      "BPUT \"blob\\x00\"\r\nBEXISTS 6b1e2a3c2d4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b\r\n",
      "DB.CREATE x\r\nSELECT x\r\nDB.LIST\r\nSELECT 0\r\nCLIENT SETNAME me\r\nCOMMAND DOCS get\r\nINFO\r\n",
  };
}

std::string Mutate(std::string s, const std::vector<std::string>& seeds, std::mt19937_64& rng) {
  auto pick = [&](size_t n) {
    return n == 0 ? size_t{0} : std::uniform_int_distribution<size_t>(0, n - 1)(rng);
  };
  switch (pick(6)) {
    case 0:
      s.resize(pick(s.size() + 1));
      break;
    case 1:
      if (!s.empty()) s[pick(s.size())] ^= static_cast<char>(1 << pick(8));
      break;
    case 2:
      s.insert(pick(s.size() + 1), s.substr(pick(s.size() + 1), pick(64)));
      break;
    case 3:
      s.erase(pick(s.size() + 1), pick(16));
      break;
    case 4: {
      const std::string& o = seeds[pick(seeds.size())];
      s = s.substr(0, pick(s.size() + 1)) + o.substr(pick(o.size() + 1));
      break;
    }
    default:
      s.insert(pick(s.size() + 1), std::string(1, static_cast<char>(pick(256))));
      break;
  }
  return s;
}

TEST(FuzzHarnessTest, MutatedPipelinesKeepTheContract) {
  std::string dir = arbor::testing::MakeTempDir("arbor-resp-fuzz");
  auto harness = FuzzHarness::Create(dir);
  ASSERT_NE(harness, nullptr);
  std::vector<std::string> seeds = Seeds();
  std::mt19937_64 rng(15);
  for (int i = 0; i < 3000; ++i) {
    std::string input = seeds[i % seeds.size()];
    int rounds = 1 + static_cast<int>(rng() % 4);
    for (int r = 0; r < rounds; ++r) input = Mutate(input, seeds, rng);
    std::string why;
    ASSERT_TRUE(harness->RunOnce(reinterpret_cast<const uint8_t*>(input.data()), input.size(), &why))
        << "iteration " << i << ": " << why;
  }
  harness.reset();
  (void)RemoveAll(dir);
}

}  // namespace
}  // namespace arbor::resp
