// MasterKeySet: a namespace's two random keys, made once at `init` and never changed
// (docs/format/encryption.md, "The master key set"): the AES-256-GCM key of every object
// and the HMAC key of blob ids. It exists in clear only in memory; at rest it is sealed
// ("wrapped") with a key-encryption key inside key objects.
//
// Serialized (65 bytes): u8 version (1) || encryption key[32] || id key[32].
//
// Thread safety: immutable after construction; share it freely.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "crypto/aead.h"
#include "crypto/keyed_id.h"

namespace arbor::crypto {

class MasterKeySet {
 public:
  static constexpr uint8_t kVersion = 1;
  static constexpr size_t kSerializedBytes = 1 + kAeadKeyBytes + IdKey::kKeyBytes;
  static constexpr size_t kWrappedBytes = kSerializedBytes + kSealOverhead;

  static MasterKeySet Generate();
  // Corruption for another length or version.
  static Result<MasterKeySet> Parse(std::string_view serialized);
  SecretBytes Serialize() const;

  // Seals the serialized set with `kek` (32 bytes), AD "master-key\0".
  std::string Wrap(const AeadKey& kek) const;
  // Corruption when `wrapped` is not 93 bytes; PermissionDenied when the sealed set does not open with `kek`
  // (a wrong passphrase or key file looks exactly like this: GCM cannot tell them apart from tampering);
  // Corruption when it opens but does not parse.
  static Result<MasterKeySet> Unwrap(const AeadKey& kek, std::string_view wrapped);

  const AeadKey& encryption_key() const { return encryption_; }
  const IdKey& id_key() const { return id_; }

 private:
  MasterKeySet(AeadKey encryption, IdKey id) : encryption_(std::move(encryption)), id_(std::move(id)) {}
  AeadKey encryption_;
  IdKey id_;
};

}  // namespace arbor::crypto
