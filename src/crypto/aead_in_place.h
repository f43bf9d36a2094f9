// Opening a sealed byte string where it lies (aead.h's Open without a second buffer):
// for the restore's read path, where allocating, faulting in and filling a plaintext
// buffer per blob cost as much as the decryption itself (docs/benchmarks.md). Defined in
// aead.cc beside Seal and Open, whose cipher context it shares; AeadKey::Open is a copy
// followed by this.
#pragma once

#include <cstddef>
#include <string_view>

#include "base/status.h"
#include "crypto/aead.h"

namespace arbor::crypto {

// Authenticates the `size` sealed bytes at `sealed` (nonce || ciphertext || tag) under
// `key` and `ad` and decrypts them in place: returns the plaintext, which lies inside
// them right after the nonce. Corruption as Open; on failure the bytes are left partly
// decrypted and the plaintext part wiped, so the caller must discard them.
Result<std::string_view> OpenInPlace(const AeadKey& key, char* sealed, size_t size, std::string_view ad);

}  // namespace arbor::crypto
