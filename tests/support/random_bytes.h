// Reproducible incompressible bytes for tests: the same seed gives the same bytes
// (xorshift64), so a test can write a file and later recognise its content. Header-only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace arbor::testing {

inline std::string RandomBytes(uint64_t seed, size_t n) {
  std::string out(n, '\0');
  uint64_t x = seed * 0x9E3779B97F4A7C15ULL + 1;
  for (auto& c : out) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = static_cast<char>(x);
  }
  return out;
}

}  // namespace arbor::testing
