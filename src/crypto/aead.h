// AES-256-GCM sealing of byte strings (docs/format/encryption.md, "The sealed form").
//
//   sealed = nonce[12] || ciphertext || tag[16]
//
// The nonce is 12 fresh random bytes per Seal; the associated data (AD) is not stored:
// the caller rebuilds it from where the object was found (AssociatedData below), which
// is what binds an object to its kind and id.
//
// Thread safety: an AeadKey is immutable; Seal and Open may be called concurrently
// (each thread keeps its own OpenSSL cipher context).
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "crypto/secret_bytes.h"

namespace arbor::crypto {

inline constexpr size_t kAeadKeyBytes = 32;
inline constexpr size_t kNonceBytes = 12;
inline constexpr size_t kTagBytes = 16;
inline constexpr size_t kSealOverhead = kNonceBytes + kTagBytes;

// label || 0x00 || binding: the AD layout every sealed object of the format uses.
// REQUIRES: `label` holds no NUL byte.
std::string AssociatedData(std::string_view label, std::string_view binding = {});

class AeadKey {
 public:
  // InvalidArgument unless `key` is exactly 32 bytes.
  static Result<AeadKey> FromBytes(SecretBytes key);
  static AeadKey Generate();

  // Returns the sealed form of `plaintext` (its size + 28 bytes).
  std::string Seal(std::string_view plaintext, std::string_view ad) const;
  // Appends the sealed form to *out (lets a caller put a prefix byte first without a copy).
  void SealTo(std::string_view plaintext, std::string_view ad, std::string* out) const;
  // The plaintext, or Corruption when `sealed` is shorter than 28 bytes, was altered, was
  // sealed under another key, or `ad` differs. Nothing of an unauthenticated plaintext is
  // ever returned.
  Result<std::string> Open(std::string_view sealed, std::string_view ad) const;

  // The blob paths' forms, without an intermediate blob-sized buffer: allocating,
  // faulting in and filling one more buffer per blob cost as much as the cryptography
  // itself (docs/benchmarks.md).
  // Appends the sealed form of prefix || plaintext (one message) to *out without building
  // prefix || plaintext first: a blob's codec byte and its payload.
  void SealTwoPartsTo(std::string_view prefix, std::string_view plaintext, std::string_view ad,
                      std::string* out) const;
  // Authenticates the `size` sealed bytes at `sealed` under `ad` and decrypts them in
  // place: returns the plaintext, which lies inside them right after the nonce. Errors as
  // Open; on failure the bytes are left partly decrypted with the plaintext part wiped,
  // so the caller must discard them. Open is a copy followed by this.
  Result<std::string_view> OpenInPlace(char* sealed, size_t size, std::string_view ad) const;

  // For known-answer tests only: seals with the given 12-byte nonce. Two seals with one
  // nonce under one key reveal the XOR of the plaintexts and allow forgeries; production
  // code must call Seal.
  std::string SealWithNonceForTesting(std::string_view nonce, std::string_view plaintext,
                                      std::string_view ad) const;

  const SecretBytes& bytes() const { return key_; }

 private:
  explicit AeadKey(SecretBytes key) : key_(std::move(key)) {}
  void SealWithNonce(std::string_view nonce, std::string_view plaintext, std::string_view ad,
                     std::string* out) const;
  SecretBytes key_;
};

}  // namespace arbor::crypto
