#include "chunking/fastcdc.h"

#include <algorithm>
#include <bit>
#include <cstdint>

namespace arbor {
namespace {

// SplitMix64: a tiny, well-specified generator, so the Gear table for a seed can be
// reproduced by anyone reading docs/format/chunking.md.
uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// A mask of `bits` ones in the most significant positions. Gear's high bits depend
// on the last 64 input bytes while its low bits only see the last few, so testing
// the top bits is the paper's "enhanced hash judgement" in its simplest form.
uint64_t TopBitsMask(int bits) { return bits <= 0 ? 0 : ~0ULL << (64 - bits); }

// Finding a cut: the first index in [from, to) after whose byte the hash has no bit of
// `mask` set, or `to`. On entry *fp is the hash after byte from-1 (0 when hashing starts
// at `from`); when `to` is returned, it is the hash after byte to-1.
//
// FindCutSerial is the loop of docs/format/chunking.md. Its recurrence fp = 2 fp + G[b]
// is one dependency chain of a cycle per byte, and with its bounds check and hit test it
// also fills the core's issue width: unrolling it alone gains nothing.
size_t FindCutSerial(const uint64_t* gear, const uint8_t* p, size_t from, size_t to, uint64_t mask,
                     uint64_t* fp) {
  uint64_t h = *fp;
  for (size_t i = from; i < to; ++i) {
    h = (h << 1) + gear[p[i]];
    if ((h & mask) == 0) return i;
  }
  *fp = h;
  return to;
}

// FindCut splits [from, to) into blocks of three lanes scanned in step: three independent
// chains, and one loop test per four steps. After 64 steps a byte has been shifted out of
// the 64-bit hash, so the hash after byte i depends only on bytes i-63..i: a lane that
// starts at s, primed from 0 with bytes s-64..s-1, holds exactly the serial loop's hash.
// The first cut is the earliest hit, so a hit in lane 1 or 2 sends the lanes before it on
// serially from that step. Cut points are therefore the serial loop's (fastcdc_test.cc
// pins them). REQUIRES: hashing started at or before `from`.
constexpr size_t kLanes = 3;          // 2 or 4 lanes, and one hit test for all lanes, measured slower
constexpr size_t kUnroll = 4;         // steps per loop test
constexpr size_t kLaneBytes = 16384;  // 4 and 8 KiB measured slower (priming, loop setup)
constexpr size_t kGearWindow = 64;    // bytes that make up a Gear hash
constexpr size_t kMinLaneBytes = 4 * kGearWindow;  // below this, priming costs more than it saves

size_t FindCut(const uint64_t* gear, const uint8_t* p, size_t from, size_t to, uint64_t mask, uint64_t* fp) {
  size_t i = from;
  while (true) {
    size_t lane = std::min(kLaneBytes, (to - i) / kLanes) & ~(kUnroll - 1);
    if (lane < kMinLaneBytes) break;
    const uint8_t* q0 = p + i;
    const uint8_t* q1 = q0 + lane;
    const uint8_t* q2 = q1 + lane;
    uint64_t h0 = *fp, h1 = 0, h2 = 0;
    // Prime lanes 1 and 2 with the 64 bytes before them (the end of lanes 0 and 1).
    for (size_t t = lane - kGearWindow; t < lane; ++t) {
      h1 = (h1 << 1) + gear[q0[t]];
      h2 = (h2 << 1) + gear[q1[t]];
    }
    for (size_t t = 0; t < lane; t += kUnroll) {
#pragma GCC unroll 4
      for (size_t u = t; u < t + kUnroll; ++u) {
        h0 = (h0 << 1) + gear[q0[u]];
        h1 = (h1 << 1) + gear[q1[u]];
        h2 = (h2 << 1) + gear[q2[u]];
        if ((h0 & mask) == 0) [[unlikely]] {
          return i + u;
        }
        if ((h1 & mask) == 0) [[unlikely]] {
          size_t cut = FindCutSerial(gear, p, i + u + 1, i + lane, mask, &h0);
          return cut < i + lane ? cut : i + lane + u;
        }
        if ((h2 & mask) == 0) [[unlikely]] {
          size_t cut = FindCutSerial(gear, p, i + u + 1, i + lane, mask, &h0);
          if (cut < i + lane) return cut;
          cut = FindCutSerial(gear, p, i + lane + u + 1, i + 2 * lane, mask, &h1);
          return cut < i + 2 * lane ? cut : i + 2 * lane + u;
        }
      }
    }
    *fp = h2;
    i += kLanes * lane;
  }
  return FindCutSerial(gear, p, i, to, mask, fp);
}

}  // namespace

bool ChunkerParams::Valid() const {
  return min_size >= 64 && min_size < avg_size && avg_size < max_size && std::has_single_bit(avg_size) &&
         normalization >= 0 && normalization <= 4;
}

Chunker::Chunker(const ChunkerParams& params) : params_(params) {
  int bits = std::countr_zero(params.avg_size);
  mask_small_ = TopBitsMask(bits + params.normalization);
  mask_large_ = TopBitsMask(bits - params.normalization);
  uint64_t state = params.seed;
  for (auto& g : gear_) g = SplitMix64(&state);
}

size_t Chunker::NextCut(std::string_view data, bool at_eof) const {
  const size_t n = data.size();
  if (n <= params_.min_size) return at_eof ? n : 0;
  const auto* p = reinterpret_cast<const uint8_t*>(data.data());
  const size_t normal = std::min<size_t>(params_.avg_size, n);
  const size_t limit = std::min<size_t>(params_.max_size, n);
  uint64_t fp = 0;  // hashing starts at min_size
  size_t i = FindCut(gear_.data(), p, params_.min_size, normal, mask_small_, &fp);
  if (i < normal) return i + 1;
  i = FindCut(gear_.data(), p, normal, limit, mask_large_, &fp);
  if (i < limit) return i + 1;
  if (limit == params_.max_size || at_eof) return limit;
  return 0;
}

}  // namespace arbor
