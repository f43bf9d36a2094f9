// SHA-256 through OpenSSL's EVP interface (SHA-NI on x86: ~1.8 GB/s per core).
// SHA-256 is arbor's content address: a blob's id is the SHA-256 of its plaintext.
//
// Thread safety: Sha256 objects are not shared; Sha256Of() is safe from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace arbor {

// A 32-byte content id (blob, tree, pack, snapshot, index segment).
struct Digest {
  std::array<uint8_t, 32> bytes{};

  std::string_view view() const { return {reinterpret_cast<const char*>(bytes.data()), bytes.size()}; }
  std::string Hex() const;
  // First 8 bytes as an integer: a well-mixed key for filters and hash tables. Never
  // used to decide that two blobs are equal.
  uint64_t Prefix64() const;
  bool IsZero() const;
  static bool FromHex(std::string_view hex, Digest* out);
  static Digest FromBytes(std::string_view raw32);  // REQUIRES: raw32.size() == 32

  auto operator<=>(const Digest&) const = default;
  bool operator==(const Digest&) const = default;
};

struct DigestHash {
  size_t operator()(const Digest& d) const { return static_cast<size_t>(d.Prefix64()); }
};

// Incremental hasher.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(std::string_view data);
  Digest Finish();  // the object may be reused after Finish()

 private:
  void* ctx_;  // EVP_MD_CTX*
};

Digest Sha256Of(std::string_view data);

}  // namespace arbor
