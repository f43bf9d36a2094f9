// Microsoft's QuickXorHash (the OneDrive / SharePoint content hash), 160 bits.
//
// Byte i of the input is XORed into the 160-bit state at bit position (11 * i) mod 160
// (little-endian bit order, wrapping around); at the end the 64-bit little-endian
// input length is XORed into the last 8 bytes. Written by hand because no Debian
// library implements it; `rclone hashsum quickxor` is the oracle in the tests.
//
// Because 11 * 160 = 0 (mod 160), bytes 160 apart land on the same bit position, so
// Update() only XORs each byte into a 160-byte accumulator indexed by position mod
// 160 (vectorizable); the bit scattering happens once, in Finish(). A run of zero
// bytes changes nothing but the position: SkipZeros() hashes a sparse file's holes
// without reading them.
//
// Thread safety: none; one object per stream.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace arbor {

class QuickXorHash {
 public:
  static constexpr int kBytes = 20;

  void Update(std::string_view data);
  void SkipZeros(uint64_t count);  // same as Update() with `count` zero bytes
  std::array<uint8_t, kBytes> Finish() const;

 private:
  std::array<uint8_t, 160> acc_{};  // acc_[k] = XOR of every byte at position = k (mod 160)
  uint64_t length_ = 0;
};

std::array<uint8_t, QuickXorHash::kBytes> QuickXorOf(std::string_view data);

}  // namespace arbor
