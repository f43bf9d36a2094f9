#include "hash/quickxor.h"

#include <cstring>

namespace arbor {
namespace {
constexpr int kWidthBits = 160;
constexpr int kShift = 11;
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

std::array<uint8_t, QuickXorHash::kBytes> QuickXorHash::Finish() const {
  std::array<uint8_t, kBytes> out{};
  for (int k = 0; k < kWidthBits; ++k) {
    if (acc_[k] == 0) continue;
    int bit = (k * kShift) % kWidthBits;
    // The byte spans bits [bit, bit+8) of the 160-bit state, wrapping past bit 159.
    for (int b = 0; b < 8; ++b) {
      if ((acc_[k] >> b) & 1) {
        int target = (bit + b) % kWidthBits;
        out[target / 8] ^= static_cast<uint8_t>(1u << (target % 8));
      }
    }
  }
  for (int i = 0; i < 8; ++i) {
    out[kBytes - 8 + i] ^= static_cast<uint8_t>(length_ >> (8 * i));
  }
  return out;
}

std::array<uint8_t, QuickXorHash::kBytes> QuickXorOf(std::string_view data) {
  QuickXorHash h;
  h.Update(data);
  return h.Finish();
}

}  // namespace arbor
