// Decoding an encrypted blob in the buffer its pack member was read into: the restore's
// read path (Repository::LoadBlob). ObjectCipher::DecodeBlob allocates a plaintext
// buffer for the decryption and another for the payload; per 1 MiB blob those two
// allocations, their page faults and fills cost as much as AES-GCM itself and made the
// encrypted large restore take twice the plain one (docs/benchmarks.md). Here the member
// is decrypted where it is and, when stored raw, its payload is moved to the front of the
// same buffer and returned.
#pragma once

#include <string>

#include "base/status.h"
#include "hash/sha256.h"
#include "repo/format.h"
#include "repo/object_cipher.h"

namespace arbor {

// What ObjectCipher::DecodeBlob(type, id, stored, raw_length) returns, from `stored`'s
// own buffer: the plaintext, or Corruption for a member that is not encrypted, fails
// authentication, or does not decode to `raw_length` bytes whose keyed id is `id`.
Result<std::string> DecodeSealedBlobInPlace(const ObjectCipher& cipher, format::BlobType type,
                                            const Digest& id, std::string stored, size_t raw_length);

}  // namespace arbor
