// FastCDC content-defined chunking (Xia et al., USENIX ATC '16): a Gear rolling hash
// with cut-point skipping below the minimum size and normalized chunking (a stricter
// mask before the average size, a looser one after it).
//
// A pure function over bytes: no I/O, no allocation. Written by hand because no Debian
// library offers FastCDC, and the exact cut points are part of arbor's repository
// format (docs/format/chunking.md): the same parameters and seed must give the same
// chunks forever, or deduplication between snapshots is lost.
//
// Thread safety: a Chunker is immutable after construction and may be shared.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace arbor {

struct ChunkerParams {
  uint32_t min_size = 256 * 1024;
  uint32_t avg_size = 1024 * 1024;  // must be a power of two
  uint32_t max_size = 4 * 1024 * 1024;
  uint64_t seed = 0;                // selects the Gear table; stored in the repository config
  int normalization = 2;            // FastCDC level: mask bits moved before/after avg_size

  bool Valid() const;
};

class Chunker {
 public:
  explicit Chunker(const ChunkerParams& params);

  // Length of the first chunk of `data`. When `at_eof` is false and `data` is shorter
  // than max_size, returns 0 if no cut point was found yet (the caller must supply
  // more bytes); when `at_eof` is true the rest of the data is always a chunk.
  size_t NextCut(std::string_view data, bool at_eof) const;

  const ChunkerParams& params() const { return params_; }

 private:
  ChunkerParams params_;
  uint64_t mask_small_;  // used before avg_size: more bits, cut points rarer
  uint64_t mask_large_;  // used after avg_size: fewer bits, cut points likelier
  std::array<uint64_t, 256> gear_;
};

}  // namespace arbor
