#include "repo/object_cipher.h"

#include <gtest/gtest.h>

#include "base/hex.h"
#include "repo/blob_codec.h"

namespace arbor {
namespace {

const std::string kRepoA(64, 'a');
const std::string kRepoB(64, 'b');

ObjectCipher Cipher(crypto::MasterKeySet master, const std::string& repo = kRepoA) {
  return std::move(ObjectCipher::Create(std::move(master), repo)).value();
}

crypto::MasterKeySet Copy(const crypto::MasterKeySet& m) {
  return std::move(crypto::MasterKeySet::Parse(m.Serialize().reveal())).value();
}

TEST(ObjectCipherTest, BlobsRoundTripCompressedOrRaw) {
  ObjectCipher c = Cipher(crypto::MasterKeySet::Generate());
  for (std::string plain : {std::string(100000, 'z'), std::string("short"), std::string()}) {
    Digest id = c.BlobId(plain);
    std::string stored = c.EncodeBlob(format::BlobType::kData, id, plain, 3);
    EXPECT_EQ(static_cast<uint8_t>(stored[0]), 0x10);
    auto back = c.DecodeBlob(format::BlobType::kData, id, stored, plain.size());
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, plain);
  }
  // Compression happens before encryption: a compressible blob is stored small.
  std::string zeros(100000, '\0');
  EXPECT_LT(c.EncodeBlob(format::BlobType::kData, c.BlobId(zeros), zeros, 3).size(), 1000u);
}

TEST(ObjectCipherTest, BlobIdsAreKeyedNotSha256) {
  crypto::MasterKeySet master = crypto::MasterKeySet::Generate();
  ObjectCipher a = Cipher(Copy(master));
  ObjectCipher b = Cipher(crypto::MasterKeySet::Generate());
  std::string file = "a known file's chunk";
  EXPECT_NE(a.BlobId(file), Sha256Of(file));
  EXPECT_NE(a.BlobId(file), b.BlobId(file));                                  // two tenants, the same file
  EXPECT_EQ(a.BlobId(file), Cipher(std::move(master), kRepoB).BlobId(file));  // dedup within a key set
}

TEST(ObjectCipherTest, AMovedOrSwappedBlobFailsAuthentication) {
  ObjectCipher c = Cipher(crypto::MasterKeySet::Generate());
  std::string x = "blob x", y = "blob y";
  Digest idx = c.BlobId(x), idy = c.BlobId(y);
  std::string stored_x = c.EncodeBlob(format::BlobType::kData, idx, x, 0);
  // y's index record pointing at x's member (a member moved to another position).
  EXPECT_TRUE(
      c.DecodeBlob(format::BlobType::kData, idy, stored_x, x.size()).status().Is(StatusCode::kCorruption));
  // A data blob read as a tree.
  EXPECT_FALSE(c.DecodeBlob(format::BlobType::kTree, idx, stored_x, x.size()).ok());
}

TEST(ObjectCipherTest, APlaintextBlobIsRefusedInAnEncryptedNamespace) {
  ObjectCipher c = Cipher(crypto::MasterKeySet::Generate());
  std::string plain = "attacker's plaintext";
  std::string v1 = EncodeBlob(plain, 0);  // codec 0x00, as a version-1 pack holds it
  auto r = c.DecodeBlob(format::BlobType::kData, c.BlobId(plain), v1, plain.size());
  EXPECT_TRUE(r.status().Is(StatusCode::kCorruption));
  EXPECT_NE(r.status().message().find("not encrypted"), std::string::npos);
}

TEST(ObjectCipherTest, EveryFlippedByteOfABlobIsDetected) {
  ObjectCipher c = Cipher(crypto::MasterKeySet::Generate());
  std::string plain(300, 'p');
  Digest id = c.BlobId(plain);
  std::string stored = c.EncodeBlob(format::BlobType::kTree, id, plain, 0);
  for (size_t i = 0; i < stored.size(); ++i) {
    std::string bad = stored;
    bad[i] = static_cast<char>(bad[i] ^ 0x04);
    EXPECT_FALSE(c.DecodeBlob(format::BlobType::kTree, id, bad, plain.size()).ok()) << i;
  }
}

TEST(ObjectCipherTest, ATreePutInASnapshotsPlaceFails) {
  ObjectCipher c = Cipher(crypto::MasterKeySet::Generate());
  std::string tree_body = "tree flatbuffer";
  // The same AD layout except the label: a tree sealed as a whole object cannot be read
  // as a snapshot, and a snapshot cannot be read as a lock.
  std::string as_tree = c.SealObject(format::kSnapshotMagic, SealedKind::kTree, "", tree_body);
  EXPECT_FALSE(c.OpenObject(as_tree, format::kSnapshotMagic, SealedKind::kSnapshot, "", "snapshot").ok());
  std::string snapshot = c.SealObject(format::kSnapshotMagic, SealedKind::kSnapshot, "", "snap");
  EXPECT_EQ(*c.OpenObject(snapshot, format::kSnapshotMagic, SealedKind::kSnapshot, "", "snapshot"), "snap");
  EXPECT_FALSE(c.OpenObject(snapshot, format::kSnapshotMagic, SealedKind::kLock, "", "lock").ok());
}

TEST(ObjectCipherTest, ObjectsAreBoundToTheirRepositoryAndName) {
  crypto::MasterKeySet master = crypto::MasterKeySet::Generate();
  ObjectCipher a = Cipher(Copy(master), kRepoA);
  ObjectCipher b = Cipher(std::move(master), kRepoB);  // same keys, another repository id
  std::string lock = a.SealObject(format::kLockMagic, SealedKind::kLock, "lock-name-1", "{}");
  EXPECT_TRUE(a.OpenObject(lock, format::kLockMagic, SealedKind::kLock, "lock-name-1", "lock").ok());
  EXPECT_FALSE(a.OpenObject(lock, format::kLockMagic, SealedKind::kLock, "lock-name-2", "lock").ok());
  EXPECT_FALSE(b.OpenObject(lock, format::kLockMagic, SealedKind::kLock, "lock-name-1", "lock").ok());
}

TEST(ObjectCipherTest, SealedObjectsHaveVersion2HeadersAndRefuseVersion1) {
  ObjectCipher c = Cipher(crypto::MasterKeySet::Generate());
  std::string s = c.SealObject(format::kSnapshotMagic, SealedKind::kSnapshot, "", "body");
  EXPECT_EQ(s.substr(0, 12), format::Header(format::kSnapshotMagic, 2));
  std::string v1 = format::Header(format::kSnapshotMagic, 1) + "plaintext snapshot";
  auto r = c.OpenObject(v1, format::kSnapshotMagic, SealedKind::kSnapshot, "", "snapshot");
  EXPECT_TRUE(r.status().Is(StatusCode::kCorruption)) << r.status().ToString();
  std::string v3 = format::Header(format::kSnapshotMagic, 3) + s.substr(12);
  EXPECT_TRUE(c.OpenObject(v3, format::kSnapshotMagic, SealedKind::kSnapshot, "", "snapshot")
                  .status()
                  .Is(StatusCode::kUnsupported));
  for (size_t n = 0; n < s.size(); ++n) {
    EXPECT_FALSE(
        c.OpenObject(s.substr(0, n), format::kSnapshotMagic, SealedKind::kSnapshot, "", "snapshot").ok());
  }
}

TEST(ObjectCipherTest, CreateChecksTheRepositoryId) {
  EXPECT_TRUE(ObjectCipher::Create(crypto::MasterKeySet::Generate(), "abc")
                  .status()
                  .Is(StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace arbor
