// A Bloom filter keyed by SHA-256 digests: ~10 bits per id and 7 probes give about a
// 1% false-positive rate, so deciding that a new chunk is new usually costs no disk
// read. Digests are uniformly distributed already, so probes use the digest's own
// bytes (double hashing over bytes 8..23) instead of hashing again.
//
// Thread safety: Add() needs exclusive access; MayContain() may run concurrently.
#pragma once

#include <cstdint>
#include <vector>

#include "hash/sha256.h"

namespace arbor {

class BloomFilter {
 public:
  explicit BloomFilter(uint64_t expected_items);
  void Add(const Digest& id);
  bool MayContain(const Digest& id) const;
  size_t MemoryBytes() const { return bits_.capacity() * sizeof(uint64_t); }

 private:
  static constexpr int kProbes = 7;
  std::vector<uint64_t> bits_;
  uint64_t nbits_;
};

}  // namespace arbor
