// How a share's or repository's credential is given, stored and read back.
//
// A credential is given either inline (the secret itself: it is sealed with the catalog
// key before it reaches the database) or as the name of an environment variable that the
// worker reads when it needs the secret (nothing secret is stored then). The stored
// column holds one of:
//   NULL / ""          no credential (a local POSIX path, a public endpoint)
//   "env:NAME"         read $NAME at use
//   "aesgcm1:..."      sealed, see secret_box.h
// Plaintext never leaves this file except as a crypto::SecretBytes; Describe() is what listings
// and logs show.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "catalog/secret_box.h"

namespace arbor::catalog {

struct CredentialInput {
  enum class Kind { kNone, kInline, kEnvironment };
  Kind kind = Kind::kNone;
  std::string value;  // the secret (kInline) or the variable's name (kEnvironment)

  static CredentialInput None() { return {}; }
  static CredentialInput Inline(std::string secret) { return {Kind::kInline, std::move(secret)}; }
  static CredentialInput FromEnv(std::string name) { return {Kind::kEnvironment, std::move(name)}; }
};

// The text to store. An inline secret needs `key` (InvalidArgument naming
// ARBOR_CATALOG_KEY when it is null); `aad` binds the sealed value to its row.
Result<std::string> EncodeCredential(const CredentialInput& input, const SecretKey* key,
                                     std::string_view aad);

// The secret behind a stored value. NotFound when an env: variable is unset;
// InvalidArgument when a sealed value needs a key and none is given.
Result<crypto::SecretBytes> ResolveCredential(std::string_view stored, const SecretKey* key,
                                              std::string_view aad);

// "none", "env:NAME" or "encrypted" (with the sealing key's fingerprint).
std::string DescribeCredential(std::string_view stored);

}  // namespace arbor::catalog
