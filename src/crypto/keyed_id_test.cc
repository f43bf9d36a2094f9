#include "crypto/keyed_id.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "base/hex.h"

namespace arbor::crypto {
namespace {

std::string Hex(const Mac256& m) {
  return ToHex(std::string_view(reinterpret_cast<const char*>(m.data()), m.size()));
}

// RFC 4231, "Identifiers and Test Vectors for HMAC-SHA-224, HMAC-SHA-256, HMAC-SHA-384,
// and HMAC-SHA-512", section 4, the HMAC-SHA-256 results of test cases 1-4, 6 and 7
// (case 5 checks output truncation, which arbor never does).
TEST(KeyedIdTest, MatchesRfc4231) {
  struct Case {
    std::string key, data, mac;
  };
  const std::string key131(131, '\xaa');
  const Case cases[] = {
      {std::string(20, '\x0b'), "Hi There",
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {"Jefe", "what do ya want for nothing?",
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {std::string(20, '\xaa'), std::string(50, '\xdd'),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
      {*FromHex("0102030405060708090a0b0c0d0e0f10111213141516171819"), std::string(50, '\xcd'),
       "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
      {key131, "Test Using Larger Than Block-Size Key - Hash Key First",
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
      {key131,
       "This is a test using a larger than block-size key and a larger than block-size data. The key needs "
       "to be hashed before being used by the HMAC algorithm.",
       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
  };
  for (const auto& c : cases) EXPECT_EQ(Hex(HmacSha256(c.key, c.data)), c.mac) << c.data;
}

TEST(KeyedIdTest, PrecomputedKeyGivesTheSameMacAsTheOneShotHmac) {
  SecretBytes raw = SecretBytes::Random(32);
  std::string raw_copy(raw.reveal());
  IdKey key = IdKey::FromBytes(std::move(raw)).value();
  for (std::string msg : {std::string(), std::string("x"), std::string(1 << 20, 'q')}) {
    EXPECT_EQ(key.Compute(msg), HmacSha256(raw_copy, msg));
  }
  // Repeated calls do not disturb the precomputed state.
  EXPECT_EQ(key.Compute("abc"), key.Compute("abc"));
}

TEST(KeyedIdTest, TwoNamespacesGiveTheSameFileDifferentIds) {
  IdKey a = IdKey::FromBytes(SecretBytes::Random(32)).value();
  IdKey b = IdKey::FromBytes(SecretBytes::Random(32)).value();
  EXPECT_NE(a.Compute("the same chunk"), b.Compute("the same chunk"));
  EXPECT_EQ(a.Compute("the same chunk"), a.Compute("the same chunk"));
}

TEST(KeyedIdTest, ConcurrentComputeAgrees) {
  IdKey key = IdKey::FromBytes(SecretBytes::Random(32)).value();
  Mac256 expected = key.Compute("shared blob");
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i)
        if (key.Compute("shared blob") != expected) ++mismatches;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(KeyedIdTest, KeysMustBe32Bytes) {
  EXPECT_TRUE(IdKey::FromBytes(SecretBytes(std::string(16, 'k'))).status().Is(StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace arbor::crypto
