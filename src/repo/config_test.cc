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

}  // namespace
}  // namespace arbor
