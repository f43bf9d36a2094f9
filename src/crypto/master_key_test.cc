#include "crypto/master_key.h"

#include <gtest/gtest.h>

namespace arbor::crypto {
namespace {

TEST(MasterKeyTest, GenerateGivesDistinctRandomKeys) {
  MasterKeySet a = MasterKeySet::Generate();
  MasterKeySet b = MasterKeySet::Generate();
  EXPECT_NE(a.Serialize().reveal(), b.Serialize().reveal());
  EXPECT_NE(a.encryption_key().bytes().reveal(), a.id_key().bytes().reveal());
}

TEST(MasterKeyTest, SerializeParseRoundTrip) {
  MasterKeySet a = MasterKeySet::Generate();
  SecretBytes s = a.Serialize();
  ASSERT_EQ(s.size(), 65u);
  EXPECT_EQ(s.reveal()[0], '\x01');
  auto b = MasterKeySet::Parse(s.reveal());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->Serialize().reveal(), s.reveal());
  // The parsed keys work: what one seals the other opens, and ids agree.
  EXPECT_EQ(b->encryption_key().Open(a.encryption_key().Seal("x", "ad"), "ad").value(), "x");
  EXPECT_EQ(b->id_key().Compute("chunk"), a.id_key().Compute("chunk"));
}

TEST(MasterKeyTest, ParseRefusesWrongLengthOrVersion) {
  std::string s(MasterKeySet::Generate().Serialize().reveal());
  EXPECT_TRUE(MasterKeySet::Parse(s.substr(0, 64)).status().Is(StatusCode::kCorruption));
  EXPECT_TRUE(MasterKeySet::Parse(s + "x").status().Is(StatusCode::kCorruption));
  s[0] = '\x02';
  EXPECT_TRUE(MasterKeySet::Parse(s).status().Is(StatusCode::kCorruption));
}

TEST(MasterKeyTest, WrapUnwrapWithTheRightKeyOnly) {
  MasterKeySet master = MasterKeySet::Generate();
  AeadKey kek = AeadKey::Generate();
  std::string wrapped = master.Wrap(kek);
  EXPECT_EQ(wrapped.size(), MasterKeySet::kWrappedBytes);
  EXPECT_EQ(wrapped.find(master.encryption_key().bytes().reveal()), std::string::npos);
  auto back = MasterKeySet::Unwrap(kek, wrapped);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->Serialize().reveal(), master.Serialize().reveal());

  auto wrong = MasterKeySet::Unwrap(AeadKey::Generate(), wrapped);
  EXPECT_TRUE(wrong.status().Is(StatusCode::kPermissionDenied)) << wrong.status().ToString();
}

TEST(MasterKeyTest, AnyAlteredByteOfTheWrappedSetIsRefused) {
  MasterKeySet master = MasterKeySet::Generate();
  AeadKey kek = AeadKey::Generate();
  std::string wrapped = master.Wrap(kek);
  for (size_t i = 0; i < wrapped.size(); ++i) {
    std::string bad = wrapped;
    bad[i] = static_cast<char>(bad[i] ^ 0x40);
    EXPECT_FALSE(MasterKeySet::Unwrap(kek, bad).ok()) << i;
  }
  EXPECT_TRUE(MasterKeySet::Unwrap(kek, wrapped.substr(1)).status().Is(StatusCode::kCorruption));
}

TEST(MasterKeyTest, ASealedObjectIsNotAWrappedKey) {
  // The wrap AD ("master-key\0") keeps any other 93-byte sealed thing from unwrapping.
  MasterKeySet master = MasterKeySet::Generate();
  AeadKey kek = AeadKey::Generate();
  std::string other = kek.Seal(master.Serialize().reveal(), "config");
  EXPECT_TRUE(MasterKeySet::Unwrap(kek, other).status().Is(StatusCode::kPermissionDenied));
}

}  // namespace
}  // namespace arbor::crypto
