// Keyed blob ids (docs/format/encryption.md, "Keyed blob ids"): HMAC-SHA-256 of a blob's
// plaintext under the namespace's id key, so that whoever holds the store cannot compute
// the id of a known file's chunks, while equal plaintexts still get equal ids (dedup).
//
// Thread safety: an IdKey is immutable after construction; Compute may be called
// concurrently (each call duplicates the precomputed HMAC state).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string_view>

#include "base/status.h"
#include "crypto/secret_bytes.h"

struct evp_mac_ctx_st;

namespace arbor::crypto {

using Mac256 = std::array<uint8_t, 32>;

// HMAC-SHA-256 with a key of any length (RFC 2104 / RFC 4231).
Mac256 HmacSha256(std::string_view key, std::string_view message);

class IdKey {
 public:
  static constexpr size_t kKeyBytes = 32;
  // InvalidArgument unless `key` is exactly 32 bytes.
  static Result<IdKey> FromBytes(SecretBytes key);
  IdKey(IdKey&&) noexcept;
  IdKey& operator=(IdKey&&) noexcept;
  ~IdKey();

  // HMAC-SHA-256(id key, plaintext). The HMAC key schedule (inner and outer padded
  // states) is computed once here, not per blob: small blobs would otherwise pay for it
  // on every call.
  Mac256 Compute(std::string_view plaintext) const;
  const SecretBytes& bytes() const { return key_; }

 private:
  struct CtxFree {
    void operator()(evp_mac_ctx_st* c) const;
  };
  IdKey(SecretBytes key, std::unique_ptr<evp_mac_ctx_st, CtxFree> ctx);
  SecretBytes key_;
  std::unique_ptr<evp_mac_ctx_st, CtxFree> keyed_;  // initialised with the key, never updated
};

}  // namespace arbor::crypto
