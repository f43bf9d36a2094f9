#include "hash/quickxor.h"

#include <cstring>

namespace arbor {
namespace {
constexpr int kWidthBits = 160;
constexpr int kShift = 11;

// The last step of the hash: the 64-bit little-endian length XORed into the last 8 bytes.
void XorLength(uint64_t length, std::array<uint8_t, QuickXorHash::kBytes>* out) {
  for (int i = 0; i < 8; ++i) (*out)[QuickXorHash::kBytes - 8 + i] ^= static_cast<uint8_t>(length >> (8 * i));
}
}  // namespace

void QuickXorHash::Update(std::string_view data) {
  auto* p = reinterpret_cast<const uint8_t*>(data.data());
  size_t n = data.size();
  size_t pos = length_ % kWidthBits;
  // Align to a multiple of 160 so the main loop XORs whole 160-byte blocks.
  while (n > 0 && pos != 0) {
    acc_[pos] ^= *p++;
    --n;
    pos = (pos + 1) % kWidthBits;
  }
  uint64_t words[kWidthBits / 8];
  std::memcpy(words, acc_.data(), sizeof words);
  for (; n >= kWidthBits; n -= kWidthBits, p += kWidthBits) {
    uint64_t in[kWidthBits / 8];
    std::memcpy(in, p, sizeof in);
    for (int w = 0; w < kWidthBits / 8; ++w) words[w] ^= in[w];
  }
  std::memcpy(acc_.data(), words, sizeof words);
  for (size_t i = 0; i < n; ++i) acc_[i] ^= p[i];
  length_ += data.size();
}

void QuickXorHash::SkipZeros(uint64_t count) { length_ += count; }

void QuickXorHash::UpdateAt(uint64_t offset, std::string_view data) {
  // Same as Update() from a stream position of `offset`, then restoring the length.
  uint64_t length = length_;
  length_ = offset;
  Update(data);
  length_ = length;
}

std::array<uint8_t, QuickXorHash::kBytes> QuickXorHash::Finish() const {
  std::array<uint8_t, kBytes> out{};
  for (int k = 0; k < kWidthBits; ++k) {
    if (acc_[k] == 0) continue;
    // The byte spans bits [bit, bit+8) of the 160-bit state, wrapping past bit 159
    // into byte 0 (160 is a multiple of 8, so the wrap lands on a byte boundary).
    int bit = (k * kShift) % kWidthBits;
    int index = bit / 8, shift = bit % 8;
    out[index] ^= static_cast<uint8_t>(acc_[k] << shift);
    if (shift != 0) out[(index + 1) % kBytes] ^= static_cast<uint8_t>(acc_[k] >> (8 - shift));
  }
  XorLength(length_, &out);
  return out;
}

std::array<uint8_t, QuickXorHash::kBytes> QuickXorHash::Amend(const std::array<uint8_t, kBytes>& base,
                                                              uint64_t base_length) const {
  std::array<uint8_t, kBytes> out = Finish();
  for (int i = 0; i < kBytes; ++i) out[i] ^= base[i];
  XorLength(base_length, &out);  // takes the old length back out of `base`
  return out;
}

std::array<uint8_t, QuickXorHash::kBytes> QuickXorOf(std::string_view data) {
  QuickXorHash h;
  h.Update(data);
  return h.Finish();
}

}  // namespace arbor
