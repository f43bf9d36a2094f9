#include "repo/config.h"

#include <gtest/gtest.h>

#include "repo/format.h"

namespace arbor {
namespace {

TEST(ConfigTest, RoundTripsAndStartsWithMagic) {
  RepoConfig c = RepoConfig::NewRandom();
  std::string encoded = c.Encode();
  EXPECT_EQ(encoded.substr(0, 8), "ARBORCFG");
  auto d = RepoConfig::Decode(encoded);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->id, c.id);
  EXPECT_EQ(d->chunker.seed, c.chunker.seed);
  EXPECT_EQ(d->pack_size, c.pack_size);
}

TEST(ConfigTest, DamagedOrNewerConfigsAreRefusedClearly) {
  std::string good = RepoConfig::NewRandom().Encode();
  EXPECT_TRUE(RepoConfig::Decode("garbage").status().Is(StatusCode::kCorruption));
  EXPECT_TRUE(RepoConfig::Decode(good.substr(0, 30)).status().Is(StatusCode::kCorruption));
  std::string newer = good;
  newer[8] = 9;  // version 9
  EXPECT_TRUE(RepoConfig::Decode(newer).status().Is(StatusCode::kUnsupported));
  std::string bad_json = format::Header(format::kConfigMagic, 1) + "{\"id\": 5}";
  EXPECT_TRUE(RepoConfig::Decode(bad_json).status().Is(StatusCode::kCorruption));
}

TEST(ConfigTest, SealedConfigRoundTripsAndHidesTheGearSeed) {
  RepoConfig c = RepoConfig::NewRandom();
  c.encryption = std::string(RepoConfig::kAes256Gcm);
  crypto::AeadKey key = crypto::AeadKey::Generate();
  std::string sealed = c.EncodeSealed(key);
  EXPECT_EQ(sealed.substr(0, 12), format::Header(format::kConfigMagic, 2));
  EXPECT_EQ(*RepoConfig::Version(sealed), 2u);
  EXPECT_EQ(*RepoConfig::Version(RepoConfig::NewRandom().Encode()), 1u);
  EXPECT_EQ(sealed.find(std::to_string(c.chunker.seed)), std::string::npos);
  EXPECT_EQ(sealed.find("gear_seed"), std::string::npos);
  auto d = RepoConfig::DecodeSealed(sealed, key);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->id, c.id);
  EXPECT_EQ(d->chunker.seed, c.chunker.seed);
  EXPECT_EQ(d->encryption, "aes-256-gcm");
  // A version-1 reader refuses it clearly instead of misreading it.
  EXPECT_TRUE(RepoConfig::Decode(sealed).status().Is(StatusCode::kUnsupported));
}

TEST(ConfigTest, SealedConfigRefusesWrongKeyTruncationAndDowngrade) {
  RepoConfig c = RepoConfig::NewRandom();
  c.encryption = std::string(RepoConfig::kAes256Gcm);
  crypto::AeadKey key = crypto::AeadKey::Generate();
  std::string sealed = c.EncodeSealed(key);
  EXPECT_TRUE(
      RepoConfig::DecodeSealed(sealed, crypto::AeadKey::Generate()).status().Is(StatusCode::kCorruption));
  for (size_t n = 0; n < sealed.size(); ++n) {
    auto d = RepoConfig::DecodeSealed(sealed.substr(0, n), key);
    ASSERT_FALSE(d.ok()) << n;
    EXPECT_TRUE(d.status().Is(StatusCode::kCorruption)) << n << ": " << d.status().ToString();
  }
  // An unencrypted config where an encrypted one belongs.
  EXPECT_TRUE(
      RepoConfig::DecodeSealed(RepoConfig::NewRandom().Encode(), key).status().Is(StatusCode::kCorruption));
  // A sealed document saying "none" is refused too.
  std::string sealed_none = RepoConfig::NewRandom().EncodeSealed(key);
  EXPECT_FALSE(RepoConfig::DecodeSealed(sealed_none, key).ok());
}

}  // namespace
}  // namespace arbor
