#include "range_map.h"

#include <algorithm>

namespace arbor::azfiles {
namespace {

std::vector<ByteRange> Clip(const std::vector<ByteRange>& ranges, std::optional<ByteRange> window) {
  if (!window) return ranges;
  std::vector<ByteRange> out;
  for (const ByteRange& r : ranges) {
    uint64_t s = std::max(r.offset, window->offset);
    uint64_t e = std::min(r.end(), window->end());
    if (s < e) out.push_back({s, e - s});
  }
  return out;
}

}  // namespace

void RangeMap::Remove(uint64_t offset, uint64_t end) {
  std::vector<SeqRange> out;
  out.reserve(pieces_.size() + 1);
  for (const SeqRange& p : pieces_) {
    if (p.end() <= offset || p.offset >= end) {
      out.push_back(p);
      continue;
    }
    if (p.offset < offset) out.push_back({p.offset, offset - p.offset, p.seq});
    if (p.end() > end) out.push_back({end, p.end() - end, p.seq});
  }
  pieces_ = std::move(out);
}

void RangeMap::Write(uint64_t offset, uint64_t length, uint64_t seq) {
  if (length == 0) return;
  Remove(offset, offset + length);
  SeqRange added{offset, length, seq};
  auto pos = std::lower_bound(pieces_.begin(), pieces_.end(), added,
                              [](const SeqRange& a, const SeqRange& b) { return a.offset < b.offset; });
  pieces_.insert(pos, added);
}

RangeMap::ClearPlan RangeMap::Clear(uint64_t offset, uint64_t length, uint64_t seq) {
  ClearPlan plan;
  const uint64_t end = offset + length;
  const uint64_t inner_start = (offset + kClearAlignment - 1) / kClearAlignment * kClearAlignment;
  const uint64_t inner_end = end / kClearAlignment * kClearAlignment;
  std::vector<ByteRange> edges;
  if (inner_start < inner_end) {
    if (offset < inner_start) edges.push_back({offset, inner_start - offset});
    if (inner_end < end) edges.push_back({inner_end, end - inner_end});
    plan.punch = ByteRange{inner_start, inner_end - inner_start};
  } else {
    edges.push_back({offset, length});
  }
  // Edges that hold data are zeroed and count as (re)written; edges over holes stay holes.
  for (const ByteRange& edge : edges) {
    for (const ByteRange& v : Valid(edge)) plan.zero_fill.push_back(v);
  }
  if (plan.punch) Remove(plan.punch->offset, plan.punch->end());
  for (const ByteRange& z : plan.zero_fill) Write(z.offset, z.length, seq);
  return plan;
}

void RangeMap::Truncate(uint64_t size) { Remove(size, UINT64_MAX); }

std::vector<ByteRange> RangeMap::Valid(std::optional<ByteRange> window) const {
  std::vector<ByteRange> all;
  all.reserve(pieces_.size());
  for (const SeqRange& p : pieces_) all.push_back({p.offset, p.length});
  return Clip(MergeRanges(std::move(all)), window);
}

std::vector<ByteRange> RangeMap::ChangedSince(uint64_t seq, std::optional<ByteRange> window) const {
  std::vector<ByteRange> changed;
  for (const SeqRange& p : pieces_) {
    if (p.seq > seq) changed.push_back({p.offset, p.length});
  }
  return Clip(MergeRanges(std::move(changed)), window);
}

uint64_t RangeMap::ValidBytes() const {
  uint64_t total = 0;
  for (const SeqRange& p : pieces_) total += p.length;
  return total;
}

std::vector<ByteRange> MergeRanges(std::vector<ByteRange> ranges) {
  std::sort(ranges.begin(), ranges.end(), [](const ByteRange& a, const ByteRange& b) { return a.offset < b.offset; });
  std::vector<ByteRange> out;
  for (const ByteRange& r : ranges) {
    if (r.length == 0) continue;
    if (!out.empty() && r.offset <= out.back().end()) {
      out.back().length = std::max(out.back().end(), r.end()) - out.back().offset;
    } else {
      out.push_back(r);
    }
  }
  return out;
}

std::vector<ByteRange> SubtractRanges(const std::vector<ByteRange>& a, const std::vector<ByteRange>& b) {
  std::vector<ByteRange> out;
  size_t j = 0;
  for (ByteRange r : a) {
    while (j < b.size() && b[j].end() <= r.offset) ++j;
    uint64_t cursor = r.offset;
    for (size_t k = j; k < b.size() && b[k].offset < r.end(); ++k) {
      if (b[k].offset > cursor) out.push_back({cursor, b[k].offset - cursor});
      cursor = std::max(cursor, b[k].end());
    }
    if (cursor < r.end()) out.push_back({cursor, r.end() - cursor});
  }
  return out;
}

}  // namespace arbor::azfiles
