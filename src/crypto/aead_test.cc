#include "crypto/aead.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <set>

#include "base/hex.h"

namespace arbor::crypto {
namespace {

std::string Unhex(std::string_view hex) {
  auto bytes = FromHex(hex);
  EXPECT_TRUE(bytes.has_value()) << hex;
  return bytes.value_or("");
}

AeadKey Key(std::string_view hex) { return AeadKey::FromBytes(SecretBytes(Unhex(hex))).value(); }

// The AES-256 cases (13-16) of the GCM specification's test vectors: D. McGrew and
// J. Viega, "The Galois/Counter Mode of Operation (GCM)", revised 2005, Appendix B
// (the same vectors as NIST's GCM validation examples).
struct GcmVector {
  const char* name;
  const char* key;
  const char* iv;
  const char* plaintext;
  const char* aad;
  const char* ciphertext;
  const char* tag;
};

constexpr char kKeyZero[] = "0000000000000000000000000000000000000000000000000000000000000000";
constexpr char kKeyFeff[] = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308";
constexpr char kIvCafe[] = "cafebabefacedbaddecaf888";

const GcmVector kGcmVectors[] = {
    {"test case 13", kKeyZero, "000000000000000000000000", "", "", "", "530f8afbc74536b9a963b4f1c4cb738b"},
    {"test case 14", kKeyZero, "000000000000000000000000", "00000000000000000000000000000000", "",
     "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919"},
    {"test case 15", kKeyFeff, kIvCafe,
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
     "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255",
     "",
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
     "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
     "b094dac5d93471bdec1a502270e3cc6c"},
    {"test case 16", kKeyFeff, kIvCafe,
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
     "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
     "feedfacedeadbeeffeedfacedeadbeefabaddad2",
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
     "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
     "76fc6ece0f4e1768cddf8853bb2d551b"},
};

TEST(AeadTest, MatchesTheGcmSpecificationVectors) {
  for (const auto& v : kGcmVectors) {
    SCOPED_TRACE(v.name);
    AeadKey key = Key(v.key);
    std::string sealed = key.SealWithNonceForTesting(Unhex(v.iv), Unhex(v.plaintext), Unhex(v.aad));
    EXPECT_EQ(ToHex(sealed), std::string(v.iv) + v.ciphertext + v.tag);
    auto opened = key.Open(sealed, Unhex(v.aad));
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    EXPECT_EQ(ToHex(*opened), v.plaintext);
  }
}

TEST(AeadTest, RoundTripsEmptySmallAndLargePlaintexts) {
  AeadKey key = AeadKey::Generate();
  for (size_t size :
       {size_t{0}, size_t{1}, size_t{15}, size_t{16}, size_t{17}, size_t{4096}, size_t{1} << 20}) {
    std::string plain(size, '\0');
    for (size_t i = 0; i < size; ++i) plain[i] = static_cast<char>(i * 31 + 7);
    std::string ad = AssociatedData("data", "binding");
    std::string sealed = key.Seal(plain, ad);
    EXPECT_EQ(sealed.size(), size + kSealOverhead);
    if (size >= 16) {
      EXPECT_EQ(sealed.find(plain.substr(0, 16)), std::string::npos);
    }
    auto opened = key.Open(sealed, ad);
    ASSERT_TRUE(opened.ok()) << size;
    EXPECT_EQ(*opened, plain);
  }
}

TEST(AeadTest, SealToAppendsAfterExistingBytes) {
  AeadKey key = AeadKey::Generate();
  std::string out = "\x10";
  key.SealTo("payload", "ad", &out);
  ASSERT_EQ(out.size(), 1 + 7 + kSealOverhead);
  EXPECT_EQ(out[0], '\x10');
  EXPECT_EQ(key.Open(std::string_view(out).substr(1), "ad").value(), "payload");
}

TEST(AeadTest, EverySingleByteFlipIsDetected) {
  AeadKey key = AeadKey::Generate();
  std::string ad = AssociatedData("tree", std::string(32, '\x5a'));
  std::string sealed = key.Seal("a tree's names and QuickXorHashes, 60 bytes of plaintext......", ad);
  for (size_t i = 0; i < sealed.size(); ++i) {
    for (unsigned char bit : {0x01, 0x80}) {
      std::string bad = sealed;
      bad[i] = static_cast<char>(bad[i] ^ bit);
      auto opened = key.Open(bad, ad);
      ASSERT_FALSE(opened.ok()) << "flip of bit " << int{bit} << " in byte " << i << " was accepted";
      EXPECT_TRUE(opened.status().Is(StatusCode::kCorruption));
    }
  }
}

TEST(AeadTest, EveryTruncationAndExtensionIsDetected) {
  AeadKey key = AeadKey::Generate();
  std::string sealed = key.Seal("snapshot body", "ad");
  for (size_t n = 0; n < sealed.size(); ++n) {
    EXPECT_FALSE(key.Open(sealed.substr(0, n), "ad").ok()) << n;
  }
  EXPECT_FALSE(key.Open(sealed + '\0', "ad").ok());
}

TEST(AeadTest, WrongAssociatedDataIsDetected) {
  AeadKey key = AeadKey::Generate();
  std::string id(32, '\x01');
  std::string ad = AssociatedData("data", id);
  std::string sealed = key.Seal("chunk", ad);
  std::string other_id = id;
  other_id[31] = '\x02';
  // Another kind, another id, no binding, a longer AD, and no AD at all.
  for (const std::string& wrong : {AssociatedData("tree", id), AssociatedData("data", other_id),
                                   AssociatedData("data"), ad + '\0', std::string()}) {
    auto opened = key.Open(sealed, wrong);
    EXPECT_FALSE(opened.ok());
  }
  EXPECT_TRUE(key.Open(sealed, ad).ok());
}

TEST(AeadTest, AnotherKeyCannotOpen) {
  AeadKey a = AeadKey::Generate();
  AeadKey b = AeadKey::Generate();
  EXPECT_FALSE(b.Open(a.Seal("tenant a's data", "ad"), "ad").ok());
}

TEST(AeadTest, EachSealUsesAFreshNonce) {
  AeadKey key = AeadKey::Generate();
  std::string x = key.Seal("same", "ad");
  std::string y = key.Seal("same", "ad");
  EXPECT_NE(x.substr(0, kNonceBytes), y.substr(0, kNonceBytes));
  EXPECT_NE(x, y);
}

TEST(AeadTest, NoncesDoNotRepeatAcrossManySeals) {
  AeadKey key = AeadKey::Generate();
  std::set<std::string> nonces;
  for (int i = 0; i < 5000; ++i) nonces.insert(key.Seal("x", "ad").substr(0, kNonceBytes));
  EXPECT_EQ(nonces.size(), 5000u);
}

// Nonces are drawn in batches per thread; a forked child must not reuse its parent's
// batch (same key, same nonce = GCM broken).
TEST(AeadTest, AForkedChildDoesNotReuseItsParentsNonces) {
  AeadKey key = AeadKey::Generate();
  (void)key.Seal("fill this thread's nonce batch", "ad");
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::string nonce = key.Seal("child", "ad").substr(0, kNonceBytes);
    _exit(write(fds[1], nonce.data(), nonce.size()) == static_cast<ssize_t>(nonce.size()) ? 0 : 1);
  }
  std::string parent_nonce = key.Seal("parent", "ad").substr(0, kNonceBytes);
  std::string child_nonce(kNonceBytes, '\0');
  ASSERT_EQ(read(fds[0], child_nonce.data(), child_nonce.size()), static_cast<ssize_t>(kNonceBytes));
  int status = 0;
  waitpid(child, &status, 0);
  close(fds[0]);
  close(fds[1]);
  EXPECT_NE(parent_nonce, child_nonce);
}

TEST(AeadTest, AssociatedDataIsLabelNulBinding) {
  EXPECT_EQ(AssociatedData("lock", "ab12"), std::string("lock\0ab12", 9));
  EXPECT_EQ(AssociatedData("config"), std::string("config\0", 7));
}

TEST(AeadTest, KeysMustBe32Bytes) {
  EXPECT_TRUE(
      AeadKey::FromBytes(SecretBytes(std::string(31, 'k'))).status().Is(StatusCode::kInvalidArgument));
  EXPECT_TRUE(
      AeadKey::FromBytes(SecretBytes(std::string(33, 'k'))).status().Is(StatusCode::kInvalidArgument));
  EXPECT_TRUE(AeadKey::FromBytes(SecretBytes(std::string(32, 'k'))).ok());
}

}  // namespace
}  // namespace arbor::crypto
