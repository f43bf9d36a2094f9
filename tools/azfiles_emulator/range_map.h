// Which byte ranges of a file hold written data, and when each was last written.
//
// Every write carries a sequence number from a counter that only grows; a share snapshot
// records the counter when it is taken. "Changed since snapshot S" is then every range
// whose sequence number is greater than S's, which is how List Ranges with
// prevsharesnapshot is answered. Clearing follows the service: only whole 512-byte blocks
// become holes, the unaligned edges are zero-filled and stay valid.
// Pure (no I/O); not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "azure/model.h"

namespace arbor::azfiles {

using azure::ByteRange;

struct SeqRange {
  uint64_t offset = 0;
  uint64_t length = 0;
  uint64_t seq = 0;
  uint64_t end() const { return offset + length; }
  bool operator==(const SeqRange&) const = default;
};

inline constexpr uint64_t kClearAlignment = 512;

class RangeMap {
 public:
  RangeMap() = default;
  // `pieces` must be sorted and disjoint (as pieces() returns them).
  explicit RangeMap(std::vector<SeqRange> pieces) : pieces_(std::move(pieces)) {}

  void Write(uint64_t offset, uint64_t length, uint64_t seq);

  // What the caller must do to the bytes for a clear: zero-fill `zero_fill` (valid data at
  // unaligned edges) and punch a hole over `punch`.
  struct ClearPlan {
    std::vector<ByteRange> zero_fill;
    std::optional<ByteRange> punch;
  };
  ClearPlan Clear(uint64_t offset, uint64_t length, uint64_t seq);

  // Drops everything at or beyond `size`.
  void Truncate(uint64_t size);

  // Valid ranges, adjacent pieces merged, clipped to `window` if given.
  std::vector<ByteRange> Valid(std::optional<ByteRange> window = std::nullopt) const;
  // Valid ranges written after `seq`, merged and clipped.
  std::vector<ByteRange> ChangedSince(uint64_t seq, std::optional<ByteRange> window = std::nullopt) const;

  const std::vector<SeqRange>& pieces() const { return pieces_; }
  uint64_t ValidBytes() const;

 private:
  void Remove(uint64_t offset, uint64_t end);

  std::vector<SeqRange> pieces_;  // sorted by offset, disjoint
};

// a minus b, both sorted and disjoint.
std::vector<ByteRange> SubtractRanges(const std::vector<ByteRange>& a, const std::vector<ByteRange>& b);
// Sorted, disjoint, with touching ranges merged.
std::vector<ByteRange> MergeRanges(std::vector<ByteRange> ranges);

}  // namespace arbor::azfiles
