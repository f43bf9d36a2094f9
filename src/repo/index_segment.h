// Index segments: sorted, fixed-size records mapping blob id -> (pack, offset,
// length), stored as {tenant}/{share}/index/<sha256 of the segment>.
//
//   "ARBORIDX" u32 version | u32 record_size (52) | u32 pack_count | u64 record_count
//   pack_count x 32-byte pack ids
//   record_count x record, sorted by blob id:
//     id[32] | u32 pack ordinal | u32 offset | u32 length | u32 raw_length | u8 type | 3 x 0
//
// Segments are never modified: backups add new ones, prune replaces several by one.
// A SegmentReader does not keep the records in RAM: it keeps a Bloom filter (~1.25
// bytes per blob) and one 8-byte fence per 64 records (0.125 bytes per blob), and
// answers a lookup with at most one ranged read of 64 records. That is what keeps
// the blob index far below restic's and borg's 60-100 bytes per blob in RAM.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "repo/bloom_filter.h"
#include "repo/pack.h"
#include "store/object_store.h"

namespace arbor {

struct BlobLocation {
  format::BlobType type = format::BlobType::kData;
  Digest pack;
  uint32_t offset = 0;
  uint32_t length = 0;
  uint32_t raw_length = 0;
};

struct IndexEntry {
  Digest id;
  BlobLocation location;
};

// Encodes a segment from entries (sorted here). Returns the object bytes.
std::string EncodeIndexSegment(std::vector<IndexEntry> entries);

class SegmentReader {
 public:
  // Streams the segment object once to build the filter and fences and to check
  // that its content hashes to its name. Corruption on any inconsistency.
  static Result<std::unique_ptr<SegmentReader>> Open(ObjectStore* store, const std::string& key);
  // Builds the reader from entries just written as `key` (no re-read).
  static std::unique_ptr<SegmentReader> FromEntries(ObjectStore* store, const std::string& key,
                                                    std::string_view encoded);
  // A segment that exists only in memory (entries recovered from packs while a damaged
  // segment stands in the store); `label` names it in messages.
  static std::unique_ptr<SegmentReader> Resident(std::string label, std::string encoded);

  Result<std::optional<BlobLocation>> Find(const Digest& id) const;
  // Calls fn for every entry in id order (streams the object).
  Status ForEach(const std::function<Status(const IndexEntry&)>& fn) const;

  const std::string& key() const { return key_; }
  bool resident() const { return !resident_.empty(); }
  uint64_t record_count() const { return count_; }
  // The packs this segment names.
  const std::vector<Digest>& packs() const { return packs_; }
  size_t MemoryBytes() const;

 private:
  static constexpr uint64_t kFenceStride = 64;
  SegmentReader(ObjectStore* store, std::string key);
  Status ParseHeader(std::string_view head, uint64_t object_size);
  void AddRecordToFilters(uint64_t index, std::string_view record);
  Result<IndexEntry> DecodeRecord(std::string_view record) const;
  // `n` records from record `first` on, from memory or from the store.
  Result<std::string> ReadRecords(uint64_t first, uint64_t n) const;

  ObjectStore* store_;
  std::string key_;
  std::vector<Digest> packs_;
  uint64_t count_ = 0;
  uint64_t records_offset_ = 0;
  std::vector<uint64_t> fences_;  // Prefix64 of record 0, 64, 128, ...
  std::unique_ptr<BloomFilter> bloom_;
  std::string resident_;  // the whole encoded segment, for Resident() segments only
};

}  // namespace arbor
