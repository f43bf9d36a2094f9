// Argon2id (RFC 9106, Debian libargon2): turns a passphrase into the key-encryption key
// that wraps a namespace's master key set (docs/format/encryption.md, "Key objects").
// The parameters are stored in each key object, so keys written with other parameters
// keep opening; they are bounded before any work is done, so a crafted key object
// cannot make a client allocate without limit or run for hours.
//
// Thread safety: functions only; Argon2id itself may use `parallelism` threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "crypto/secret_bytes.h"

namespace arbor::crypto {

struct KdfParams {
  // Defaults for new passphrase keys: RFC 9106's second recommended option, three
  // passes over 64 MiB in four lanes. The lanes run on threads of their own, so the
  // same work takes half the wall time on two cores (every command derives the key
  // once: 0.27 s -> 0.18 s here, docs/benchmarks.md); keys written with one lane (the
  // default before 8 December 2026) keep opening with their own parameters.
  static constexpr uint32_t kDefaultTimeCost = 3;
  static constexpr uint32_t kDefaultMemoryKib = 64 * 1024;
  static constexpr uint32_t kDefaultParallelism = 4;
  static constexpr size_t kDefaultSaltBytes = 16;
  // Bounds a reader accepts (the format doc lists them).
  static constexpr uint32_t kMaxTimeCost = 64;
  static constexpr uint32_t kMaxMemoryKib = 4 * 1024 * 1024;
  static constexpr uint32_t kMaxParallelism = 16;
  static constexpr size_t kMinSaltBytes = 16;
  static constexpr size_t kMaxSaltBytes = 64;

  uint32_t time_cost = kDefaultTimeCost;
  uint32_t memory_kib = kDefaultMemoryKib;
  uint32_t parallelism = kDefaultParallelism;
  std::string salt;  // raw bytes

  // The defaults with a fresh random salt.
  static KdfParams Default();
  // Corruption naming the first parameter outside the bounds.
  Status Validate() const;
};

// The full Argon2id primitive (version 0x13) with optional secret and associated data,
// as RFC 9106 defines it; the key objects use an empty secret and empty AD. InvalidArgument
// for sizes libargon2 refuses.
Result<SecretBytes> Argon2id(std::string_view password, std::string_view salt, uint32_t time_cost,
                             uint32_t memory_kib, uint32_t parallelism, std::string_view secret,
                             std::string_view associated_data, size_t output_bytes);

// The 32-byte key-encryption key for `passphrase`. InvalidArgument for an empty passphrase
// (never derived: no key object can hold one); Corruption for parameters out of bounds.
Result<SecretBytes> DeriveKeyEncryptionKey(std::string_view passphrase, const KdfParams& params);

}  // namespace arbor::crypto
