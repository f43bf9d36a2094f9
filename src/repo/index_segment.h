// Index segments: sorted, fixed-size records mapping blob id -> (pack, offset,
// length), stored as {tenant}/{share}/index/<sha256 of the segment>.
//
//   "ARBORIDX" u32 version | u32 record_size (49) | u32 pack_count | u64 record_count
//   pack_count x 32-byte pack ids
//   record_count x record, sorted by blob id:
//     id[32] | u32 pack ordinal | u32 offset | u32 length | u32 raw_length | u8 type
//   (segments written before 7 December 2026 have record_size 52: 3 zero bytes more)
//
// In an encrypted namespace (version 2, docs/format/encryption.md "Index segments") the
// head and the records are sealed, the records in blocks of 64 (the fence stride) so
// that a lookup still reads and opens one small range:
//
//   "ARBORIDX" u32 2 | salt[16] | u32 head_length | sealed head | sealed blocks of 64 records
//
// A folded segment (version 3, or version 2 with a longer sealed head) also names the
// segments whose records it holds ("superseded"): a reader that opened it intact need not
// read those, which stay in the store until a holder of the exclusive lock deletes them.
//
// Segments are never modified: backups add new ones, folds and prune replace several by one.
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
#include "repo/object_cipher.h"
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

// Encodes a segment from entries (sorted here). Returns the object bytes: version 1 (3 when
// `superseded` is not empty), or version 2 sealed by `cipher`. `superseded`: the ids of the
// segments whose records `entries` include (a fold).
std::string EncodeIndexSegment(std::vector<IndexEntry> entries, const ObjectCipher* cipher = nullptr,
                               const std::vector<Digest>& superseded = {});

class SegmentReader {
 public:
  // Streams the segment object once to build the filter and fences and to check
  // that its content hashes to its name. Corruption on any inconsistency, a block that
  // does not open, or a segment of the other format (version 1 when `cipher` is null,
  // else version 2). `cipher` must outlive the reader.
  static Result<std::unique_ptr<SegmentReader>> Open(ObjectStore* store, const std::string& key,
                                                     const ObjectCipher* cipher = nullptr);
  // Builds the reader from entries just written as `key` (no re-read from the store).
  static std::unique_ptr<SegmentReader> FromEntries(ObjectStore* store, const std::string& key,
                                                    std::string_view encoded,
                                                    const ObjectCipher* cipher = nullptr);
  // A segment that exists only in memory (entries recovered from packs while a damaged
  // segment stands in the store); `label` names it in messages. Always version 1: it is
  // never stored.
  static std::unique_ptr<SegmentReader> Resident(std::string label, std::string encoded);

  Result<std::optional<BlobLocation>> Find(const Digest& id) const;
  // Calls fn for every entry in id order (streams the object).
  Status ForEach(const std::function<Status(const IndexEntry&)>& fn) const;

  const std::string& key() const { return key_; }
  bool resident() const { return !resident_.empty(); }
  uint64_t record_count() const { return count_; }
  // The packs this segment names.
  const std::vector<Digest>& packs() const { return packs_; }
  // The ids of the segments this one folded (empty unless it is a fold).
  const std::vector<Digest>& superseded() const { return superseded_; }
  size_t MemoryBytes() const;

 private:
  static constexpr uint64_t kFenceStride = 64;
  SegmentReader(ObjectStore* store, std::string key, const ObjectCipher* cipher);
  // Reads the head (from the store, or from resident_), checks the object's size and
  // fills packs_, count_ and the record layout. Updates `hash` with the bytes read.
  Status LoadHead(uint64_t object_size, Sha256* hash);
  // Streams every record once into the filters; updates `hash` with the bytes read.
  Status LoadRecords(Sha256* hash);
  // `head`: the fields and the tables after the object header. `counted`: version 3's
  // superseded count follows the record count; else a sealed head may end with the count
  // and the ids after the pack table (told apart by its length).
  Status ParseHead(std::string_view head, bool counted);
  void AddRecordToFilters(uint64_t index, std::string_view record);
  Result<IndexEntry> DecodeRecord(std::string_view record) const;
  // `length` bytes at `offset` of the object, from resident_ or from the store.
  Result<std::string> ReadBytes(uint64_t offset, uint64_t length) const;
  // `n` plaintext records from record `first` on. REQUIRES for version 2: `first` is a
  // multiple of the block size (every caller reads fence-aligned ranges). `hash`, when
  // given, is updated with the stored bytes read.
  Result<std::string> ReadRecords(uint64_t first, uint64_t n, Sha256* hash = nullptr) const;

  ObjectStore* store_;
  std::string key_;
  std::vector<Digest> packs_;
  std::vector<Digest> superseded_;
  uint64_t count_ = 0;
  uint64_t records_offset_ = 0;
  uint64_t record_size_ = format::kIndexRecordSize;  // from the head: 49, or 52 in older segments
  std::vector<uint64_t> fences_;                     // Prefix64 of record 0, 64, 128, ...
  std::unique_ptr<BloomFilter> bloom_;
  std::string resident_;    // the whole encoded segment, for Resident() segments only
  std::string_view bytes_;  // the object when in memory: resident_, or the encoding being loaded
  const ObjectCipher* cipher_ = nullptr;  // version 2 when set
  std::string salt_;                      // version 2: the segment's salt
};

}  // namespace arbor
