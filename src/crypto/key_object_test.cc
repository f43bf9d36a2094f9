#include "crypto/key_object.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

#include "base/hex.h"
#include "support/test_keys.h"

namespace arbor::crypto {
namespace {

// Cheap parameters so the suite stays fast; the timing test uses dearer ones.
KdfParams Fast() { return testing::FastKdf(); }
Credential Pass(std::string s) { return testing::Passphrase(std::move(s)); }

std::string Serialized(const MasterKeySet& m) { return std::string(m.Serialize().reveal()); }

TEST(KeyObjectTest, PassphraseKeyRoundTripsThroughItsEncoding) {
  MasterKeySet master = MasterKeySet::Generate();
  auto object = KeyObject::Create(master, Pass("correct horse battery"), Fast());
  ASSERT_TRUE(object.ok()) << object.status().ToString();
  object->host = "backup-01";
  object->user = "alice";
  object->created_ns = 1795300000000000000;
  std::string encoded = object->Encode();
  EXPECT_EQ(encoded.substr(0, 8), "ARBORKEY");
  EXPECT_EQ(encoded.find(ToHex(master.encryption_key().bytes().reveal())), std::string::npos);

  auto decoded = KeyObject::Decode(encoded);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->kdf, KeyObject::Kdf::kArgon2id);
  EXPECT_EQ(decoded->params.salt, object->params.salt);
  EXPECT_EQ(decoded->params.memory_kib, 1024u);
  EXPECT_EQ(decoded->host, "backup-01");
  EXPECT_EQ(decoded->created_ns, 1795300000000000000);
  auto opened = decoded->Open(Pass("correct horse battery"));
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(Serialized(*opened), Serialized(master));
}

TEST(KeyObjectTest, WrongOrEmptyPassphraseIsRefused) {
  MasterKeySet master = MasterKeySet::Generate();
  KeyObject object = KeyObject::Create(master, Pass("right"), Fast()).value();
  auto wrong = object.Open(Pass("wrong"));
  EXPECT_TRUE(wrong.status().Is(StatusCode::kPermissionDenied)) << wrong.status().ToString();
  EXPECT_TRUE(object.Open(Pass("")).status().Is(StatusCode::kInvalidArgument));
  EXPECT_TRUE(KeyObject::Create(master, Pass(""), Fast()).status().Is(StatusCode::kInvalidArgument));
}

TEST(KeyObjectTest, RawKeyFileKeys) {
  MasterKeySet master = MasterKeySet::Generate();
  Credential machine = Credential::GenerateRawKey();
  std::string file_text = machine.RawKeyText();
  EXPECT_EQ(file_text.size(), 65u);  // 64 hex digits and a newline

  KeyObject object = KeyObject::Create(master, machine, KdfParams()).value();
  auto decoded = KeyObject::Decode(object.Encode());
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->kdf, KeyObject::Kdf::kRaw);

  auto from_file = Credential::RawKeyFromText("  " + file_text + "\n");
  ASSERT_TRUE(from_file.ok());
  EXPECT_EQ(Serialized(decoded->Open(*from_file).value()), Serialized(master));
  EXPECT_TRUE(decoded->Open(Credential::GenerateRawKey()).status().Is(StatusCode::kPermissionDenied));
  // A passphrase never opens a key-file object, even one spelling the key's hex.
  EXPECT_TRUE(decoded->Open(Pass(file_text)).status().Is(StatusCode::kPermissionDenied));

  for (std::string bad :
       {std::string(""), std::string(63, 'a'), std::string(66, 'a'), std::string(64, 'g')}) {
    auto c = Credential::RawKeyFromText(bad);
    EXPECT_TRUE(c.status().Is(StatusCode::kInvalidArgument)) << bad;
  }
}

TEST(KeyObjectTest, EveryTruncationIsAClearCorruption) {
  MasterKeySet master = MasterKeySet::Generate();
  std::string encoded = KeyObject::Create(master, Pass("pw"), Fast()).value().Encode();
  // The last byte is the trailing newline, which JSON does not need.
  for (size_t n = 0; n + 1 < encoded.size(); ++n) {
    auto decoded = KeyObject::Decode(encoded.substr(0, n));
    ASSERT_FALSE(decoded.ok()) << "truncated to " << n << " bytes was accepted";
    EXPECT_TRUE(decoded.status().Is(StatusCode::kCorruption)) << n << ": " << decoded.status().ToString();
  }
}

// Replaces the first occurrence of `from` in the encoded object.
std::string Edit(std::string encoded, const std::string& from, const std::string& to) {
  size_t at = encoded.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return encoded.replace(at, from.size(), to);
}

TEST(KeyObjectTest, MalformedFieldsAreNamed) {
  MasterKeySet master = MasterKeySet::Generate();
  KeyObject object = KeyObject::Create(master, Pass("pw"), Fast()).value();
  std::string encoded = object.Encode();
  struct Case {
    std::string edited;
    StatusCode code;
    std::string says;
  };
  std::string newer = encoded;
  newer[8] = '\x02';
  const Case cases[] = {
      {"ARBORKEX" + encoded.substr(8), StatusCode::kCorruption, "ARBORKEY"},
      {newer, StatusCode::kUnsupported, "newer"},
      {Edit(encoded, "\"argon2id\"", "\"scrypt\""), StatusCode::kUnsupported, "scrypt"},
      {Edit(encoded, "\"memory_kib\": 1024", "\"memory_kib\": 4294967295"), StatusCode::kCorruption,
       "memory_kib"},
      {Edit(encoded, "\"time_cost\": 1", "\"time_cost\": -1"), StatusCode::kCorruption, "time_cost"},
      {Edit(encoded, "\"version\": 19", "\"version\": 16"), StatusCode::kCorruption, "19"},
      {Edit(encoded, "\"salt\": \"", "\"salt\": \"zz"), StatusCode::kCorruption, "salt"},
      {Edit(encoded, "\"master_key\": \"", "\"master_key\": \"00"), StatusCode::kCorruption, "master_key"},
      {Edit(encoded, "\"master_key\"", "\"master_kez\""), StatusCode::kCorruption, "master_key"},
  };
  for (const auto& c : cases) {
    auto decoded = KeyObject::Decode(c.edited);
    ASSERT_FALSE(decoded.ok()) << c.says;
    EXPECT_EQ(decoded.status().code(), c.code) << decoded.status().ToString();
    EXPECT_NE(decoded.status().message().find(c.says), std::string::npos) << decoded.status().ToString();
  }
}

TEST(KeyObjectTest, AHugeMemoryCostIsRefusedWithoutAllocating) {
  MasterKeySet master = MasterKeySet::Generate();
  std::string encoded = KeyObject::Create(master, Pass("pw"), Fast()).value().Encode();
  std::string evil = Edit(encoded, "\"memory_kib\": 1024", "\"memory_kib\": 4194305");
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(KeyObject::Decode(evil).status().Is(StatusCode::kCorruption));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

TEST(KeyObjectTest, AlteredWrappedKeyDoesNotOpen) {
  MasterKeySet master = MasterKeySet::Generate();
  KeyObject object = KeyObject::Create(master, Pass("pw"), Fast()).value();
  std::string hex = ToHex(object.master_key);
  std::string altered = hex;
  altered[40] = altered[40] == '0' ? '1' : '0';
  auto decoded = KeyObject::Decode(Edit(object.Encode(), hex, altered));
  ASSERT_TRUE(decoded.ok());
  EXPECT_TRUE(decoded->Open(Pass("pw")).status().Is(StatusCode::kPermissionDenied));
}

double Seconds(std::chrono::steady_clock::duration d) { return std::chrono::duration<double>(d).count(); }

// A wrong passphrase costs one KDF run, like the right one: no shortcut that would tell
// an attacker anything early, and no hang. Medians of three, because the machine is shared.
TEST(KeyObjectTest, WrongPassphraseTakesAboutTheKdfTime) {
  KdfParams p = KdfParams::Default();
  p.time_cost = 2;
  p.memory_kib = 16 * 1024;
  MasterKeySet master = MasterKeySet::Generate();
  KeyObject object = KeyObject::Create(master, Pass("right"), p).value();
  auto median = [&](const char* pass, bool expect_ok) {
    std::vector<double> t;
    for (int i = 0; i < 3; ++i) {
      auto start = std::chrono::steady_clock::now();
      EXPECT_EQ(object.Open(Pass(pass)).ok(), expect_ok);
      t.push_back(Seconds(std::chrono::steady_clock::now() - start));
    }
    std::sort(t.begin(), t.end());
    return t[1];
  };
  double right = median("right", true);
  double wrong = median("wrong", false);
  EXPECT_GT(wrong, right * 0.3) << "right " << right << " s, wrong " << wrong << " s";
  EXPECT_LT(wrong, right * 4 + 0.5) << "right " << right << " s, wrong " << wrong << " s";
}

TEST(KeyObjectTest, KeyObjectNameIsSha256OfTheBytes) {
  EXPECT_EQ(KeyObjectName("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

StoredKeyObject Stored(const KeyObject& k) {
  std::string bytes = k.Encode();
  return {KeyObjectName(bytes), bytes};
}

TEST(KeyObjectTest, OpenWithAnyKeyFollowsTheFormatsAlgorithm) {
  MasterKeySet master = MasterKeySet::Generate();
  Credential machine = Credential::GenerateRawKey();
  StoredKeyObject broken{"broken", "ARBORKEY\x01\0\0\0{not json"};
  StoredKeyObject alice = Stored(KeyObject::Create(master, Pass("alice"), Fast()).value());
  StoredKeyObject bob = Stored(KeyObject::Create(master, Pass("bob"), Fast()).value());
  StoredKeyObject worker = Stored(KeyObject::Create(master, machine, KdfParams()).value());
  std::vector<StoredKeyObject> keys = {broken, alice, worker, bob};

  auto as_bob = OpenWithAnyKey(keys, Pass("bob"));
  ASSERT_TRUE(as_bob.ok()) << as_bob.status().ToString();
  EXPECT_EQ(as_bob->key_name, bob.name);
  EXPECT_EQ(Serialized(as_bob->master), Serialized(master));
  ASSERT_EQ(as_bob->malformed.size(), 1u);
  EXPECT_NE(as_bob->malformed[0].message().find("broken"), std::string::npos);

  auto as_worker = OpenWithAnyKey(keys, machine);
  ASSERT_TRUE(as_worker.ok());
  EXPECT_EQ(as_worker->key_name, worker.name);

  auto wrong = OpenWithAnyKey(keys, Pass("mallory"));
  EXPECT_TRUE(wrong.status().Is(StatusCode::kPermissionDenied));
  EXPECT_NE(wrong.status().message().find("wrong password"), std::string::npos);
  EXPECT_NE(wrong.status().message().find("2 key objects"), std::string::npos) << wrong.status().message();

  EXPECT_TRUE(OpenWithAnyKey(keys, Pass("")).status().Is(StatusCode::kInvalidArgument));
  EXPECT_TRUE(OpenWithAnyKey({}, Pass("bob")).status().Is(StatusCode::kNotFound));
  auto all_broken = OpenWithAnyKey({broken}, Pass("bob"));
  EXPECT_TRUE(all_broken.status().Is(StatusCode::kCorruption));
  EXPECT_NE(all_broken.status().message().find("broken"), std::string::npos);
  EXPECT_TRUE(OpenWithAnyKey({alice}, machine).status().Is(StatusCode::kPermissionDenied));
}

// Rotation as `key add` + `key remove` and `key passwd` do it: new key objects wrap the
// same master key set, so everything sealed before still opens and ids stay the same.
TEST(KeyObjectTest, RotationChangesOnlyTheWrapping) {
  MasterKeySet master = MasterKeySet::Generate();
  std::string sealed_before = master.encryption_key().Seal("snapshot", AssociatedData("snapshot"));
  Mac256 id_before = master.id_key().Compute("chunk");

  StoredKeyObject old_key = Stored(KeyObject::Create(master, Pass("old"), Fast()).value());
  MasterKeySet opened = OpenWithAnyKey({old_key}, Pass("old")).value().master;
  StoredKeyObject new_key = Stored(KeyObject::Create(opened, Pass("new"), Fast()).value());
  EXPECT_NE(new_key.name, old_key.name);

  // The old key removed: only the new one remains.
  auto after = OpenWithAnyKey({new_key}, Pass("new"));
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(Serialized(after->master), Serialized(master));
  EXPECT_EQ(after->master.encryption_key().Open(sealed_before, AssociatedData("snapshot")).value(),
            "snapshot");
  EXPECT_EQ(after->master.id_key().Compute("chunk"), id_before);
  EXPECT_TRUE(OpenWithAnyKey({new_key}, Pass("old")).status().Is(StatusCode::kPermissionDenied));
}

}  // namespace
}  // namespace arbor::crypto
