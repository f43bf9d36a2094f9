#include "crypto/kdf.h"

#include <gtest/gtest.h>

#include "base/hex.h"

namespace arbor::crypto {
namespace {

// RFC 9106, "Argon2 Memory-Hard Function for Password Hashing and Proof-of-Work
// Applications", section 5.3 (Argon2id test vector): version 0x13, memory 32 KiB,
// 3 passes, parallelism 4, password 32 x 0x01, salt 16 x 0x02, secret 8 x 0x03,
// associated data 12 x 0x04, 32-byte tag.
TEST(KdfTest, MatchesRfc9106Argon2idVector) {
  auto tag = Argon2id(std::string(32, '\x01'), std::string(16, '\x02'), 3, 32, 4, std::string(8, '\x03'),
                      std::string(12, '\x04'), 32);
  ASSERT_TRUE(tag.ok()) << tag.status().ToString();
  EXPECT_EQ(ToHex(tag->reveal()), "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");
}

KdfParams Small(std::string salt = std::string(16, 's')) {
  KdfParams p;
  p.time_cost = 1;
  p.memory_kib = 1024;
  p.salt = std::move(salt);
  return p;
}

TEST(KdfTest, KeyEncryptionKeyIsArgon2idWithoutSecretOrAd) {
  KdfParams p = Small();
  auto kek = DeriveKeyEncryptionKey("correct horse", p);
  ASSERT_TRUE(kek.ok());
  auto direct = Argon2id("correct horse", p.salt, p.time_cost, p.memory_kib, p.parallelism, {}, {}, 32);
  EXPECT_EQ(kek->reveal(), direct->reveal());
  EXPECT_EQ(kek->size(), 32u);
}

TEST(KdfTest, PassphraseAndSaltBothChangeTheKey) {
  auto a = DeriveKeyEncryptionKey("correct horse", Small());
  auto b = DeriveKeyEncryptionKey("correct horsf", Small());
  auto c = DeriveKeyEncryptionKey("correct horse", Small(std::string(16, 't')));
  EXPECT_NE(a->reveal(), b->reveal());
  EXPECT_NE(a->reveal(), c->reveal());
}

TEST(KdfTest, EmptyPassphraseIsRefusedBeforeAnyWork) {
  auto kek = DeriveKeyEncryptionKey("", KdfParams::Default());
  EXPECT_TRUE(kek.status().Is(StatusCode::kInvalidArgument));
}

TEST(KdfTest, DefaultsAreValidAndHaveAFreshSalt) {
  KdfParams a = KdfParams::Default();
  KdfParams b = KdfParams::Default();
  EXPECT_TRUE(a.Validate().ok());
  EXPECT_EQ(a.memory_kib, 65536u);
  EXPECT_EQ(a.salt.size(), 16u);
  EXPECT_NE(a.salt, b.salt);
}

TEST(KdfTest, ParametersOutsideTheBoundsAreCorruptionWithoutRunning) {
  auto bad = [](auto mutate) {
    KdfParams p = Small();
    mutate(p);
    return p;
  };
  const KdfParams cases[] = {
      bad([](KdfParams& p) { p.time_cost = 0; }),
      bad([](KdfParams& p) { p.time_cost = 65; }),
      bad([](KdfParams& p) { p.parallelism = 0; }),
      bad([](KdfParams& p) { p.parallelism = 17; }),
      bad([](KdfParams& p) { p.memory_kib = 7; }),
      bad([](KdfParams& p) { p.memory_kib = 4 * 1024 * 1024 + 1; }),  // would allocate > 4 GiB
      bad([](KdfParams& p) { p.salt = std::string(15, 's'); }),
      bad([](KdfParams& p) { p.salt = std::string(65, 's'); }),
  };
  for (const auto& p : cases) {
    EXPECT_TRUE(p.Validate().Is(StatusCode::kCorruption));
    EXPECT_TRUE(DeriveKeyEncryptionKey("pw", p).status().Is(StatusCode::kCorruption));
  }
  EXPECT_TRUE(Small().Validate().ok());
}

}  // namespace
}  // namespace arbor::crypto
