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
// The hash is XOR-linear and position-dependent, which lets a known hash be updated
// when bytes change in place, without reading the bytes that did not change:
//   new = old ^ LengthPart(old_length) ^ delta.Finish()
// where `delta` got UpdateAt(offset, old bytes) and UpdateAt(offset, new bytes) for every
// changed region and SetLength(new_length) (see Amend()).
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
  // XORs `data` in as if it sat at byte `offset` of the stream; the length does not
  // move. XORing the same bytes at the same offset twice cancels out.
  void UpdateAt(uint64_t offset, std::string_view data);
  // Sets the length XORed in by Finish() (Update and SkipZeros advance it).
  void SetLength(uint64_t length) { length_ = length; }
  uint64_t length() const { return length_; }
  std::array<uint8_t, kBytes> Finish() const;
  // The hash of a stream that hashed to `base` at `base_length` bytes, after the changes
  // this object holds (UpdateAt with the old and new bytes of each changed region) and
  // with this object's length as the new length.
  std::array<uint8_t, kBytes> Amend(const std::array<uint8_t, kBytes>& base, uint64_t base_length) const;

 private:
  std::array<uint8_t, 160> acc_{};  // acc_[k] = XOR of every byte at position = k (mod 160)
  uint64_t length_ = 0;
};

std::array<uint8_t, QuickXorHash::kBytes> QuickXorOf(std::string_view data);

}  // namespace arbor
