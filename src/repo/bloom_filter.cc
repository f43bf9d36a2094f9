#include "repo/bloom_filter.h"

#include <cstring>

namespace arbor {
namespace {
constexpr uint64_t kBitsPerItem = 10;

void Hashes(const Digest& id, uint64_t* h1, uint64_t* h2) {
  std::memcpy(h1, id.bytes.data() + 8, 8);
  std::memcpy(h2, id.bytes.data() + 16, 8);
  *h2 |= 1;  // odd step: visits distinct bits
}
}  // namespace

BloomFilter::BloomFilter(uint64_t expected_items) {
  uint64_t words = (expected_items * kBitsPerItem + 63) / 64;
  if (words == 0) words = 1;
  bits_.assign(words, 0);
  nbits_ = words * 64;
}

void BloomFilter::Add(const Digest& id) {
  uint64_t h1 = 0, h2 = 0;
  Hashes(id, &h1, &h2);
  for (int i = 0; i < kProbes; ++i) {
    uint64_t bit = (h1 + static_cast<uint64_t>(i) * h2) % nbits_;
    bits_[bit / 64] |= 1ULL << (bit % 64);
  }
}

bool BloomFilter::MayContain(const Digest& id) const {
  uint64_t h1 = 0, h2 = 0;
  Hashes(id, &h1, &h2);
  for (int i = 0; i < kProbes; ++i) {
    uint64_t bit = (h1 + static_cast<uint64_t>(i) * h2) % nbits_;
    if ((bits_[bit / 64] & (1ULL << (bit % 64))) == 0) return false;
  }
  return true;
}

}  // namespace arbor
