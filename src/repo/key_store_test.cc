#include "repo/key_store.h"

#include <gtest/gtest.h>

#include "base/file_util.h"
#include "repo/config.h"
#include "repo/format.h"
#include "store/open_store.h"
#include "support/temp_dir.h"
#include "support/test_keys.h"

namespace arbor {
namespace {

using testing::FastKdf;
crypto::Credential Pass(std::string s) { return testing::Passphrase(std::move(s)); }

std::string Serialized(const crypto::MasterKeySet& m) { return std::string(m.Serialize().reveal()); }

class KeyStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::MakeTempDir("arbor-keys");
    store_ = std::move(OpenObjectStore(dir_, true)).value();
  }
  void TearDown() override { (void)RemoveAll(dir_); }
  std::string Add(const crypto::Credential& c) {
    auto object = NewKeyObject(master_, c, FastKdf());
    EXPECT_TRUE(object.ok()) << object.status().ToString();
    auto name = AddKeyObject(store_.get(), prefix_, *object);
    EXPECT_TRUE(name.ok()) << name.status().ToString();
    return *name;
  }
  std::string dir_;
  std::unique_ptr<ObjectStore> store_;
  std::string prefix_ = format::Prefix("tenant", "share");
  crypto::MasterKeySet master_ = crypto::MasterKeySet::Generate();
};

TEST_F(KeyStoreTest, KeysLiveUnderKeysNamedByTheirHash) {
  std::string name = Add(Pass("first"));
  auto bytes = store_->Get(format::KeyObjectKey(prefix_, name));
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(crypto::KeyObjectName(*bytes), name);
  auto decoded = crypto::KeyObject::Decode(*bytes);
  ASSERT_TRUE(decoded.ok());
  EXPECT_FALSE(decoded->host.empty());
  EXPECT_GT(decoded->created_ns, 0);
}

TEST_F(KeyStoreTest, OpensWithTheRightPasswordOnly) {
  std::string name = Add(Pass("first"));
  auto opened = OpenNamespaceKey(store_.get(), prefix_, Pass("first"));
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ(opened->key_name, name);
  EXPECT_EQ(Serialized(opened->master), Serialized(master_));

  auto wrong = OpenNamespaceKey(store_.get(), prefix_, Pass("second"));
  EXPECT_TRUE(wrong.status().Is(StatusCode::kPermissionDenied)) << wrong.status().ToString();
  EXPECT_NE(wrong.status().message().find("tenant/share/"), std::string::npos);
  EXPECT_TRUE(OpenNamespaceKey(store_.get(), format::Prefix("tenant", "other"), Pass("first"))
                  .status()
                  .Is(StatusCode::kNotFound));
}

TEST_F(KeyStoreTest, ACorruptKeyObjectIsNamedAndTheOthersStillOpen) {
  std::string good = Add(Pass("first"));
  ASSERT_TRUE(store_->Put(format::KeyObjectKey(prefix_, std::string(64, 'b')), "ARBORKEY\x01\0\0\0{").ok());
  auto opened = OpenNamespaceKey(store_.get(), prefix_, Pass("first"));
  ASSERT_TRUE(opened.ok());
  ASSERT_EQ(opened->malformed.size(), 1u);
  EXPECT_NE(opened->malformed[0].message().find(std::string(64, 'b')), std::string::npos);

  ASSERT_TRUE(store_->Delete(format::KeyObjectKey(prefix_, good)).ok());
  auto only_bad = OpenNamespaceKey(store_.get(), prefix_, Pass("first"));
  EXPECT_TRUE(only_bad.status().Is(StatusCode::kCorruption)) << only_bad.status().ToString();
}

// Rotation as `key add` + `key remove`, and `key passwd`: the master key set stays.
TEST_F(KeyStoreTest, AddRemoveAndPasswdKeepTheMasterKeySet) {
  std::string old_name = Add(Pass("old"));
  std::string new_name = Add(Pass("new"));
  ASSERT_TRUE(RemoveKeyObject(store_.get(), prefix_, old_name.substr(0, 8)).ok());
  EXPECT_TRUE(
      OpenNamespaceKey(store_.get(), prefix_, Pass("old")).status().Is(StatusCode::kPermissionDenied));
  auto with_new = OpenNamespaceKey(store_.get(), prefix_, Pass("new"));
  ASSERT_TRUE(with_new.ok());
  EXPECT_EQ(Serialized(with_new->master), Serialized(master_));

  auto replacement = NewKeyObject(with_new->master, Pass("newer"), FastKdf());
  auto replaced = ReplaceKeyObject(store_.get(), prefix_, new_name, *replacement);
  ASSERT_TRUE(replaced.ok()) << replaced.status().ToString();
  auto keys = ListKeyObjects(store_.get(), prefix_);
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ((*keys)[0].name, *replaced);
  auto with_newer = OpenNamespaceKey(store_.get(), prefix_, Pass("newer"));
  ASSERT_TRUE(with_newer.ok());
  EXPECT_EQ(Serialized(with_newer->master), Serialized(master_));
}

TEST_F(KeyStoreTest, TheLastKeyCannotBeRemoved) {
  std::string name = Add(Pass("only"));
  Status s = RemoveKeyObject(store_.get(), prefix_, name);
  EXPECT_TRUE(s.Is(StatusCode::kInvalidArgument)) << s.ToString();
  EXPECT_NE(s.message().find("last key"), std::string::npos);
  EXPECT_TRUE(OpenNamespaceKey(store_.get(), prefix_, Pass("only")).ok());
}

TEST_F(KeyStoreTest, KeyNamesResolveByUniquePrefix) {
  std::vector<crypto::StoredKeyObject> keys = {{"ab12" + std::string(60, '0'), ""},
                                               {"ab13" + std::string(60, '0'), ""}};
  EXPECT_EQ(*ResolveKeyName(keys, "ab12"), keys[0].name);
  EXPECT_TRUE(ResolveKeyName(keys, "ab1").status().Is(StatusCode::kInvalidArgument));   // too short
  EXPECT_TRUE(ResolveKeyName(keys, "ab1x").status().Is(StatusCode::kInvalidArgument));  // not hex
  EXPECT_TRUE(ResolveKeyName(keys, "cd12").status().Is(StatusCode::kNotFound));
  keys.push_back({"ab12" + std::string(60, '1'), ""});
  EXPECT_TRUE(ResolveKeyName(keys, "ab12").status().Is(StatusCode::kInvalidArgument));  // ambiguous
}

TEST_F(KeyStoreTest, AnUnencryptedConfigBesideKeysIsADowngrade) {
  EXPECT_TRUE(CheckConfigMatchesKeys(store_.get(), prefix_, 1).ok());  // no keys: a version-1 namespace
  Add(Pass("k"));
  EXPECT_TRUE(CheckConfigMatchesKeys(store_.get(), prefix_, 2).ok());
  Status s = CheckConfigMatchesKeys(store_.get(), prefix_, 1);
  EXPECT_TRUE(s.Is(StatusCode::kCorruption)) << s.ToString();
}

}  // namespace
}  // namespace arbor
