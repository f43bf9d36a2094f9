// Key material for tests of encrypted repositories: Argon2id parameters cheap enough
// for a unit test (the defaults cost ~0.5 s of CPU per derivation), and a passphrase
// credential. Header-only, so only the tests that use it link arbor_crypto.
#pragma once

#include <string>

#include "crypto/kdf.h"
#include "crypto/key_object.h"

namespace arbor::testing {

inline crypto::KdfParams FastKdf() {
  crypto::KdfParams p = crypto::KdfParams::Default();
  p.time_cost = 1;
  p.memory_kib = 1024;
  return p;
}

inline crypto::Credential Passphrase(std::string s) {
  return crypto::Credential::Passphrase(crypto::SecretBytes(std::move(s)));
}

}  // namespace arbor::testing
