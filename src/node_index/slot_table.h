// Open-addressing hash set of directory slot numbers (uint32), keyed by whatever the
// caller hashes: node ids for the id table, (parent slot, name) for the name table.
// Keys are not stored; the caller's predicate reads them from the slot, so a table costs
// 4 bytes per cell (about 7 bytes per directory at the load factors used).
// Linear probing with backward-shift deletion: no tombstones. Internal to arbor_index.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace arbor::node_index {

inline constexpr uint32_t kNoSlot = UINT32_MAX;

class SlotTable {
 public:
  // Returns the first slot whose key matches (eq(slot) true), or kNoSlot.
  template <typename Eq>
  uint32_t Find(uint64_t hash, Eq eq) const {
    if (cells_.empty()) return kNoSlot;
    for (size_t i = hash & mask_;; i = (i + 1) & mask_) {
      if (cells_[i] == kNoSlot) return kNoSlot;
      if (eq(cells_[i])) return cells_[i];
    }
  }

  // hash_of(slot) recomputes a stored slot's hash when the table grows.
  template <typename HashOf>
  void Insert(uint64_t hash, uint32_t slot, HashOf hash_of) {
    if ((size_ + 1) * 4 > cells_.size() * 3) Grow(hash_of);
    size_t i = hash & mask_;
    while (cells_[i] != kNoSlot) i = (i + 1) & mask_;
    cells_[i] = slot;
    ++size_;
  }

  template <typename HashOf>
  void Erase(uint64_t hash, uint32_t slot, HashOf hash_of) {
    if (cells_.empty()) return;
    size_t i = hash & mask_;
    while (cells_[i] != slot) {
      if (cells_[i] == kNoSlot) return;
      i = (i + 1) & mask_;
    }
    cells_[i] = kNoSlot;
    --size_;
    // Shift later members of the probe run back so no lookup stops early at the hole.
    for (size_t j = (i + 1) & mask_; cells_[j] != kNoSlot; j = (j + 1) & mask_) {
      size_t home = hash_of(cells_[j]) & mask_;
      bool movable = i <= j ? (home <= i || home > j) : (home <= i && home > j);
      if (movable) {
        cells_[i] = cells_[j];
        cells_[j] = kNoSlot;
        i = j;
      }
    }
  }

  template <typename HashOf>
  void Reserve(size_t n, HashOf hash_of) {
    while (n * 4 > cells_.size() * 3) Grow(hash_of);
  }

  size_t size() const { return size_; }
  size_t MemoryBytes() const { return cells_.capacity() * sizeof(uint32_t); }

 private:
  template <typename HashOf>
  void Grow(HashOf hash_of) {
    std::vector<uint32_t> old;
    old.swap(cells_);
    cells_.assign(old.empty() ? kInitialCells : old.size() * 2, kNoSlot);
    mask_ = cells_.size() - 1;
    for (uint32_t s : old) {
      if (s == kNoSlot) continue;
      size_t i = hash_of(s) & mask_;
      while (cells_[i] != kNoSlot) i = (i + 1) & mask_;
      cells_[i] = s;
    }
  }

  static constexpr size_t kInitialCells = 16;
  std::vector<uint32_t> cells_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

}  // namespace arbor::node_index
