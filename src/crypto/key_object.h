// Key objects: the namespace's master key set wrapped by one passphrase (Argon2id) or one
// machine key file, stored as {prefix}keys/<SHA-256 of the object> (docs/format/
// encryption.md, "Key objects"). Any one key object opens the namespace; `key add`
// writes another, `key passwd` writes one and removes the old.
//
//   "ARBORKEY" u32 1, then JSON {"created_ns", "host", "user",
//     "kdf": {"algorithm": "argon2id", "version": 19, "time_cost", "memory_kib",
//             "parallelism", "salt": hex} | {"algorithm": "raw"},
//     "master_key": hex(sealed master key set)}
//
// Thread safety: values; no shared state.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "crypto/kdf.h"
#include "crypto/master_key.h"

namespace arbor::crypto {

inline constexpr std::string_view kKeyObjectMagic = "ARBORKEY";
inline constexpr uint32_t kKeyObjectVersion = 1;

// What a user or a machine presents to open a namespace.
class Credential {
 public:
  enum class Kind { kPassphrase, kRawKey };
  // A passphrase as typed or read (the caller strips a password file's trailing newline).
  static Credential Passphrase(SecretBytes passphrase) {
    return Credential(Kind::kPassphrase, std::move(passphrase));
  }
  // A key file's text: 64 hex digits, surrounding whitespace ignored. InvalidArgument
  // otherwise (the message never echoes the file's content).
  static Result<Credential> RawKeyFromText(std::string_view text);
  // A fresh random machine key, and the text a key file holds for it.
  static Credential GenerateRawKey();
  std::string RawKeyText() const;

  Kind kind() const { return kind_; }
  const SecretBytes& bytes() const { return bytes_; }

 private:
  Credential(Kind kind, SecretBytes bytes) : kind_(kind), bytes_(std::move(bytes)) {}
  Kind kind_;
  SecretBytes bytes_;
};

struct KeyObject {
  enum class Kdf { kArgon2id, kRaw };

  Kdf kdf = Kdf::kArgon2id;
  KdfParams params;        // meaningful for kArgon2id only
  std::string master_key;  // the sealed master key set (93 bytes)
  // Informational, not authenticated (key list shows them).
  int64_t created_ns = 0;
  std::string host;
  std::string user;

  // Wraps `master` for `credential`; `params` is used for a passphrase (its salt must be
  // set: KdfParams::Default() makes one). InvalidArgument for an empty passphrase.
  static Result<KeyObject> Create(const MasterKeySet& master, const Credential& credential, KdfParams params);

  std::string Encode() const;
  // Corruption for anything malformed (header, JSON, a field's type or size, KDF
  // parameters out of bounds), naming what is wrong; Unsupported for a newer version or
  // an unknown KDF.
  static Result<KeyObject> Decode(std::string_view object);

  // The master key set, or PermissionDenied when `credential` does not open this object
  // (wrong passphrase or key file, or a credential of the other kind); InvalidArgument
  // for an empty passphrase, before any KDF work.
  Result<MasterKeySet> Open(const Credential& credential) const;
};

// The object's name under {prefix}keys/: 64 hex digits of SHA-256(encoded object).
std::string KeyObjectName(std::string_view encoded);

// One key object as listed from the store.
struct StoredKeyObject {
  std::string name;
  std::string bytes;
};

struct OpenedNamespaceKey {
  MasterKeySet master;
  std::string key_name;           // the key object that opened
  std::vector<Status> malformed;  // key objects skipped as unreadable (Corruption each)
};

// The opening algorithm of the format: parses every key object (reporting each malformed
// one), then tries those of the credential's kind in the order given. NotFound when `keys` is empty (not an
// encrypted namespace); InvalidArgument for an empty passphrase; Corruption (naming them)
// when every key object is malformed; otherwise PermissionDenied when none opens.
Result<OpenedNamespaceKey> OpenWithAnyKey(const std::vector<StoredKeyObject>& keys,
                                          const Credential& credential);

}  // namespace arbor::crypto
