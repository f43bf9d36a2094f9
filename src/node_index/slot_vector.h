// A vector of directory slots grown in fixed chunks, so a tree of millions of
// directories never holds the up-to-2x slack of a doubling std::vector (which would show
// up as bytes per file). Indexes are stable; elements never move. Internal to arbor_index.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace arbor::node_index {

template <typename T>
class ChunkedVector {
 public:
  ChunkedVector() = default;
  ChunkedVector(const ChunkedVector& o) : size_(o.size_) {
    for (const auto& c : o.chunks_) {
      chunks_.push_back(std::make_unique<T[]>(kChunk));
      std::copy(c.get(), c.get() + kChunk, chunks_.back().get());
    }
  }
  ChunkedVector& operator=(const ChunkedVector&) = delete;
  ChunkedVector(ChunkedVector&&) noexcept = default;
  ChunkedVector& operator=(ChunkedVector&&) noexcept = default;

  T& operator[](size_t i) { return chunks_[i >> kShift][i & (kChunk - 1)]; }
  const T& operator[](size_t i) const { return chunks_[i >> kShift][i & (kChunk - 1)]; }
  size_t size() const { return size_; }
  size_t capacity() const { return chunks_.size() * kChunk; }
  T& emplace_back() {
    if (size_ == capacity()) chunks_.push_back(std::make_unique<T[]>(kChunk));
    return (*this)[size_++];
  }

 private:
  static constexpr size_t kShift = 14;  // 16 Ki slots (768 KiB) per chunk
  static constexpr size_t kChunk = size_t{1} << kShift;
  std::vector<std::unique_ptr<T[]>> chunks_;
  size_t size_ = 0;
};

}  // namespace arbor::node_index
