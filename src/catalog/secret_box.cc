#include "catalog/secret_box.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstdlib>
#include <memory>

#include "base/file_util.h"
#include "base/hex.h"

namespace arbor::catalog {
namespace {

constexpr std::string_view kSealPrefix = "aesgcm1:";
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;
constexpr size_t kFingerprintHex = 8;

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

const unsigned char* U8(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* U8(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

std::string Sha256(std::string_view data) {
  std::string out(32, '\0');
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), U8(out), &len, EVP_sha256(), nullptr);
  return out;
}

// One AES-256-GCM pass. `in` is plaintext (encrypt) or ciphertext (decrypt); `tag` is
// written on encrypt and checked on decrypt.
bool Gcm(bool encrypt, const SecretKey& key, std::string_view nonce, std::string_view aad,
         std::string_view in, std::string* out, std::string* tag) {
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  if (!ctx) return false;
  int len = 0;
  out->assign(in.size(), '\0');
  bool ok = EVP_CipherInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, U8(key.bytes()), U8(nonce),
                              encrypt ? 1 : 0) == 1 &&
            EVP_CipherUpdate(ctx.get(), nullptr, &len, U8(aad), static_cast<int>(aad.size())) == 1 &&
            EVP_CipherUpdate(ctx.get(), U8(*out), &len, U8(in), static_cast<int>(in.size())) == 1;
  if (!ok) return false;
  if (!encrypt && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag->data()) != 1)
    return false;
  int final_len = 0;
  if (EVP_CipherFinal_ex(ctx.get(), U8(*out) + len, &final_len) != 1) return false;
  if (encrypt) {
    tag->assign(kTagBytes, '\0');
    return EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, tag->data()) == 1;
  }
  return true;
}

}  // namespace

Result<SecretKey> SecretKey::FromHex(std::string_view hex) {
  auto bytes = ::arbor::FromHex(Trim(hex));
  if (!bytes || bytes->size() != kKeyBytes) {
    return Status::InvalidArgument("a catalog key must be 64 hex digits (32 bytes)");
  }
  SecretKey key(std::move(*bytes));
  return key;
}

Result<std::optional<SecretKey>> SecretKey::FromEnvironment() {
  if (const char* hex = std::getenv("ARBOR_CATALOG_KEY"); hex != nullptr && *hex != '\0') {
    auto key = FromHex(hex);
    if (!key.ok()) return key.status().Annotate("ARBOR_CATALOG_KEY");
    return std::optional<SecretKey>(std::move(key).value());
  }
  if (const char* path = std::getenv("ARBOR_CATALOG_KEY_FILE"); path != nullptr && *path != '\0') {
    auto text = ReadWholeFile(path);
    if (!text.ok()) return text.status().Annotate("ARBOR_CATALOG_KEY_FILE");
    auto key = FromHex(*text);
    OPENSSL_cleanse(text->data(), text->size());
    if (!key.ok()) return key.status().Annotate(std::string("ARBOR_CATALOG_KEY_FILE ") + path);
    return std::optional<SecretKey>(std::move(key).value());
  }
  return std::optional<SecretKey>();
}

SecretKey SecretKey::Generate() {
  std::string bytes(kKeyBytes, '\0');
  if (RAND_bytes(U8(bytes), static_cast<int>(bytes.size())) != 1) std::abort();
  return SecretKey(std::move(bytes));
}

std::string SecretKey::Hex() const { return ToHex(bytes()); }

std::string SecretKey::Fingerprint() const { return ToHex(Sha256(bytes())).substr(0, kFingerprintHex); }

bool IsSealed(std::string_view stored) { return stored.substr(0, kSealPrefix.size()) == kSealPrefix; }

Result<std::string> Seal(const SecretKey& key, std::string_view plaintext, std::string_view aad) {
  std::string nonce(kNonceBytes, '\0');
  if (RAND_bytes(U8(nonce), static_cast<int>(nonce.size())) != 1)
    return Status::Internal("RAND_bytes failed");
  std::string ciphertext, tag;
  if (!Gcm(true, key, nonce, aad, plaintext, &ciphertext, &tag))
    return Status::Internal("AES-256-GCM failed");
  return std::string(kSealPrefix) + key.Fingerprint() + ":" + ToHex(nonce + ciphertext + tag);
}

Result<crypto::SecretBytes> Unseal(const SecretKey& key, std::string_view sealed, std::string_view aad) {
  if (!IsSealed(sealed) || sealed.size() < kSealPrefix.size() + kFingerprintHex + 1) {
    return Status::Corruption("not a sealed credential");
  }
  std::string_view rest = sealed.substr(kSealPrefix.size());
  std::string_view fingerprint = rest.substr(0, kFingerprintHex);
  if (fingerprint != key.Fingerprint()) {
    return Status::InvalidArgument("credential was sealed with catalog key " + std::string(fingerprint) +
                                   ", but the key given has fingerprint " + key.Fingerprint());
  }
  auto raw = FromHex(rest.substr(kFingerprintHex + 1));
  if (!raw || raw->size() < kNonceBytes + kTagBytes)
    return Status::Corruption("sealed credential is malformed");
  std::string_view all(*raw);
  std::string tag(all.substr(all.size() - kTagBytes));
  std::string plaintext;
  if (!Gcm(false, key, all.substr(0, kNonceBytes), aad,
           all.substr(kNonceBytes, all.size() - kNonceBytes - kTagBytes), &plaintext, &tag)) {
    OPENSSL_cleanse(plaintext.data(), plaintext.size());
    return Status::Corruption("sealed credential failed authentication (altered, or moved from another row)");
  }
  return crypto::SecretBytes(std::move(plaintext));
}

}  // namespace arbor::catalog
