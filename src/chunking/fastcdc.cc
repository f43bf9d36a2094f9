#include "chunking/fastcdc.h"

#include <algorithm>
#include <bit>

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
  uint64_t fp = 0;
  size_t i = params_.min_size;
  for (; i < normal; ++i) {
    fp = (fp << 1) + gear_[p[i]];
    if ((fp & mask_small_) == 0) return i + 1;
  }
  for (; i < limit; ++i) {
    fp = (fp << 1) + gear_[p[i]];
    if ((fp & mask_large_) == 0) return i + 1;
  }
  if (limit == params_.max_size || at_eof) return limit;
  return 0;
}

}  // namespace arbor
