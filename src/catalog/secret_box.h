// SecretBox: authenticated encryption of credentials at rest in the catalog.
//
// Share and repository credentials (Azure account keys, SAS tokens, connection strings,
// object-store secrets) are never stored in clear. They are sealed with AES-256-GCM under
// the catalog key, with the owning row's identity as associated data, so a sealed value
// copied onto another tenant's row does not open. The catalog key comes from the
// environment of the process that needs plaintext (workers), never from the database:
//   ARBOR_CATALOG_KEY       64 hex digits (32 bytes)
//   ARBOR_CATALOG_KEY_FILE  a file holding the 64 hex digits (a Kubernetes Secret mount)
//
// Sealed text format (ASCII, fits a TEXT column):
//   "aesgcm1:" <key fingerprint, 8 hex> ":" hex(nonce[12] || ciphertext || tag[16])
// The fingerprint is the first 4 bytes of SHA-256(key): it names the key that sealed the
// value, so opening with another key fails with a clear message instead of a bare
// authentication error.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "crypto/secret_bytes.h"

namespace arbor::catalog {

class SecretKey {
 public:
  static constexpr size_t kKeyBytes = 32;

  // From 64 hex digits (surrounding whitespace ignored).
  static Result<SecretKey> FromHex(std::string_view hex);
  // ARBOR_CATALOG_KEY, else ARBOR_CATALOG_KEY_FILE, else nullopt. A variable that is set
  // but malformed is an error, not "no key".
  static Result<std::optional<SecretKey>> FromEnvironment();
  static SecretKey Generate();

  std::string Hex() const;
  std::string Fingerprint() const;
  std::string_view bytes() const { return bytes_.reveal(); }

  SecretKey(SecretKey&&) = default;
  SecretKey& operator=(SecretKey&&) = default;

 private:
  explicit SecretKey(std::string bytes) : bytes_(std::move(bytes)) {}
  crypto::SecretBytes bytes_;
};

// Encrypts `plaintext`; `aad` binds the result to its row (e.g. "share:<tenant>/<id>").
Result<std::string> Seal(const SecretKey& key, std::string_view plaintext, std::string_view aad);
// Corruption when the value was altered or `aad` differs; InvalidArgument when the value
// was sealed with another key (the message names both fingerprints, never key bytes).
Result<crypto::SecretBytes> Unseal(const SecretKey& key, std::string_view sealed, std::string_view aad);
bool IsSealed(std::string_view stored);

}  // namespace arbor::catalog
