// Packs: TAR archives (ustar) that bundle many blobs into one object, so a million
// small files cost dozens of PUTs, not a million. `tar tf PACK` lists any pack:
//
//   .arbor-pack          12 bytes: "ARBORPAK" + u32 version
//   <64-hex blob id>     one member per large blob: codec byte + (compressed) bytes
//   .arbor-group-<n>     small blobs grouped in one member: u32 table size, the table
//                        (u32 count, then per blob u8 type, id[32], varint length,
//                        varint raw_length), then the blobs back to back
//   ...
//   .arbor-pack-toc      the records of the blobs that are members of their own
//
// Together the group tables and the trailer are the pack's table of contents, so an
// index can be rebuilt from the packs alone. Each blob is described once: a group's
// table is the only record of its blobs (packs written before 7 December 2026 listed
// every blob in a `.arbor-pack-index` trailer and again, id and length, in
// `.arbor-blobs-<n>` tables; both are still read).
//
// In an encrypted namespace (format version 2, docs/format/encryption.md "Packs") the
// header member also holds a random 16-byte pack salt, the blob members are sealed by
// ObjectCipher::EncodeBlob and named by keyed ids, and the group tables and the trailer
// are sealed with the salt in their associated data; the archive stays a plain tar.
//
// Why groups: a ustar member costs a 512-byte header and pads its data to 512 bytes, about
// 770 bytes per blob, which for a million small files made the repository 25% larger than
// the data it holds (issue 17). A group pays that once per ~1 MiB of small blobs. Its
// table sits in front of its blobs (not only in the trailer at the end) so that `repair`
// salvages every complete group of a pack whose end is lost.
//
// The pack id is the SHA-256 of the whole archive; the object key is
// packs/<first two hex digits>/<id>.tar. The index (index_segment.h) records where
// each blob's bytes start inside the pack so a restore reads one blob with one
// ranged read.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/file_util.h"
#include "base/status.h"
#include "hash/sha256.h"
#include "repo/format.h"
#include "repo/object_cipher.h"

namespace arbor {

struct PackRecord {
  format::BlobType type = format::BlobType::kData;
  Digest id;
  uint32_t offset = 0;      // of the stored bytes, from the start of the pack
  uint32_t length = 0;      // stored (encoded) length
  uint32_t raw_length = 0;  // plaintext length
};

struct FinishedPack {
  Digest id;
  std::string staged_path;  // a complete pack file, ready for ObjectStore::PutFile
  uint64_t size = 0;
  std::vector<PackRecord> records;
};

// Builds one pack in a staging file. Not thread-safe: the repository serialises
// access to each writer.
class PackWriter {
 public:
  // `cipher` null: a version-1 pack; otherwise a version-2 pack whose trailer `cipher`
  // seals (it must outlive the writer, and the blobs given to Add must be encoded by it).
  static Result<std::unique_ptr<PackWriter>> Create(const std::string& staging_dir,
                                                    const ObjectCipher* cipher = nullptr);
  ~PackWriter();
  PackWriter(const PackWriter&) = delete;
  PackWriter& operator=(const PackWriter&) = delete;

  // Appends an encoded blob (blob_codec.h). `raw_length` is the plaintext size.
  Status Add(format::BlobType type, const Digest& id, std::string_view encoded, uint32_t raw_length);
  // Bytes the pack has so far, counting the small blobs still waiting for their group.
  uint64_t size() const;
  size_t count() const { return records_.size(); }
  // Writes the trailer and closes the archive. The writer is spent afterwards.
  Result<FinishedPack> Finish();

 private:
  PackWriter() = default;
  // Writes a member holding `data` then `more`; returns the offset at which its data starts.
  Result<uint64_t> AddMember(std::string_view name, std::string_view data, std::string_view more = {});
  // Receives every byte libarchive writes; keeps the pack hash and offset.
  long OnWrite(const void* buf, size_t len);
  Status FlushBuffer();
  // Writes the waiting small blobs as one group member and sets their offsets.
  Status FlushGroup();
  // The group table of the waiting blobs, sealed in a version-2 pack.
  std::string GroupTable(uint32_t group) const;
  static constexpr size_t kWriteBuffer = 1 << 20;
  friend struct PackWriterAccess;

  std::string path_;
  UniqueFd fd_;
  void* archive_ = nullptr;  // struct archive*
  Sha256 hash_;
  uint64_t written_ = 0;
  Status write_error_;
  std::string buffer_;  // bytes counted in written_ but not yet in the file
  std::vector<PackRecord> records_;
  std::string group_;                  // small blobs waiting for their group member
  std::vector<size_t> group_records_;  // their indexes in records_
  size_t group_table_bytes_ = 0;       // their records' size in the group's table
  uint32_t groups_written_ = 0;
  const ObjectCipher* cipher_ = nullptr;
  std::string salt_;  // version 2 only
};

// Whether a blob stored `length` bytes long goes into a group member (else it is a
// member of its own, listed by the trailer).
bool StoredInGroup(uint64_t length);

// The smallest size a pack can have whose blobs end at `blobs_end` (the largest
// offset + length among them) and whose trailer lists at least `trailer_count` blobs
// (the blobs for which StoredInGroup is false; packs written before 7 December 2026
// list more, so the bound holds for them too): every byte after the last blob (its tar
// padding, the trailer member, the end of the archive) is accounted for. A stored pack
// shorter than this was truncated. `encrypted`: a version-2 pack, whose trailer is
// sealed (28 bytes more).
uint64_t MinPackSize(uint64_t blobs_end, uint64_t trailer_count, bool encrypted = false);

// Encodes / decodes the trailer member's content.
std::string EncodePackTrailer(const std::vector<PackRecord>& records);
Result<std::vector<PackRecord>> DecodePackTrailer(std::string_view data);

// The records of a trailer member's data; for a version-2 pack (`cipher` set) the
// trailer is opened with the salt from the header member's data. Corruption when it
// does not decode or open.
Result<std::vector<PackRecord>> OpenPackTrailer(std::string_view header_member,
                                                std::string_view trailer_member, const ObjectCipher* cipher);

// One member of a pack as found by reading the archive itself.
struct PackMember {
  std::string name;
  uint64_t data_offset = 0;
  std::string data;
  // A blob from a group whose table holds its whole record (packs written since
  // 7 December 2026): type and plaintext length without the trailer.
  std::optional<PackRecord> record;
};

// Reads every member of a complete pack held in memory, checking the tar structure
// (each group member is split into one PackMember per blob, named by its id; a group
// whose table does not open with `cipher` or does not match its size is Corruption) and
// the pack header: version 1 when `cipher` is null, else version 2 (a pack of the other
// format is Corruption: a namespace never mixes them). Used by `verify --read-data` and
// index rebuilding.
Result<std::vector<PackMember>> ReadPackMembers(std::string_view pack, const ObjectCipher* cipher = nullptr);
// The blobs of a complete pack, from its group tables and trailer member (opened with
// `cipher` for a version-2 pack), each checked to lie inside the archive, in the order
// of their offsets. Corruption when the pack, a group table or the trailer is damaged
// or does not open.
Result<std::vector<PackRecord>> PackRecordsOf(std::string_view pack, const ObjectCipher* cipher = nullptr);
// Reads the members of a damaged pack up to the damage (no structure checks): what
// `repair index` salvages from a pack that fails its checksum, groups split into their
// blobs (a group cut by the damage, or whose table does not open with `cipher`, is lost
// whole). The caller checks every blob against its id.
std::vector<PackMember> SalvagePackMembers(std::string_view pack, const ObjectCipher* cipher = nullptr);

}  // namespace arbor
