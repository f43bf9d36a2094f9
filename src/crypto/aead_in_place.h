// Sealing and opening without an intermediate buffer (aead.h's Seal and Open, minus a
// copy): for the blob paths, where allocating, faulting in and filling one more
// blob-sized buffer per blob cost as much as the cryptography itself
// (docs/benchmarks.md). Defined in aead.cc beside Seal and Open, whose cipher context
// they share; AeadKey::Open is a copy followed by OpenInPlace.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/status.h"
#include "crypto/aead.h"

namespace arbor::crypto {

// Authenticates the `size` sealed bytes at `sealed` (nonce || ciphertext || tag) under
// `key` and `ad` and decrypts them in place: returns the plaintext, which lies inside
// them right after the nonce. Corruption as Open; on failure the bytes are left partly
// decrypted and the plaintext part wiped, so the caller must discard them.
// Appends Seal(prefix || plaintext) to *out, without building prefix || plaintext first
// (a blob's codec byte and its payload).
void SealTwoPartsTo(const AeadKey& key, std::string_view prefix, std::string_view plaintext,
                    std::string_view ad, std::string* out);

Result<std::string_view> OpenInPlace(const AeadKey& key, char* sealed, size_t size, std::string_view ad);

}  // namespace arbor::crypto
