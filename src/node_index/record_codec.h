// Encoder and decoder of one directory record: the directory's own header plus its
// non-directory children packed into blocks (docs/format/node-index.md has the bytes).
// Pure functions over bytes, no I/O. Internal to arbor_index.
//
// Why hand-written: the record must be random-access by name (binary search over
// blocks), decode one block without touching the rest, and cost a few bytes per file;
// general-purpose serializers (FlatBuffers, protobuf) spend 8+ bytes of offsets per row
// and compressors make lookups decode whole records.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/coding.h"
#include "base/status.h"
#include "node_index/cold_column.h"
#include "node_index/node_types.h"

namespace arbor::node_index {

// One non-directory child as stored (mtime to the second, stamp already folded).
struct FileEntry {
  std::string name;
  NodeKind kind = NodeKind::kFile;
  uint64_t size = 0;
  int64_t mtime_s = 0;
  NodeId node_id = 0;
  uint32_t stamp = 0;
  uint64_t hash = 0;

  bool operator==(const FileEntry&) const = default;
};

struct DirHeader {
  NodeId node_id = 0;
  NodeId parent_id = 0;
  std::string name;
  int64_t mtime_s = 0;
  uint32_t stamp = 0;
  std::string ref;

  bool operator==(const DirHeader&) const = default;
};

// REQUIRES: files sorted by name (byte order), names unique and valid.
std::string EncodeRecord(const DirHeader& header, std::span<const FileEntry> files);
// The hot form (kHotRecordVersion): the same without the entries' stamps and hashes, whose
// cells the caller has stored in a cold column run at `cold_ref` (in `files` order).
std::string EncodeHotRecord(const DirHeader& header, std::span<const FileEntry> files, uint64_t cold_ref);
// The cold cells of `files`, in order: what EncodeHotRecord leaves out.
std::vector<ColdCell> ColdCells(std::span<const FileEntry> files);

// A parsed view over record bytes; the bytes must outlive it. Parse checks the version,
// the checksum and the header; Validate additionally decodes every entry.
enum class Verify { kChecksum, kTrusted };

class RecordView {
 public:
  // kTrusted skips the checksum: for bytes this process encoded or already verified.
  static Status Parse(std::string_view bytes, RecordView* out, Verify verify = Verify::kChecksum);
  Status Validate() const;

  NodeId node_id() const { return node_id_; }
  NodeId parent_id() const { return parent_id_; }
  std::string_view name() const { return name_; }
  // A hot record keeps its entries' stamps and hashes in a cold column run at cold_ref()
  // (file_count() cells). Its entries decode with stamp and hash 0 until AttachCold.
  bool hot() const { return hot_; }
  uint64_t cold_ref() const { return cold_ref_; }
  void AttachCold(std::span<const ColdCell> cells) { cold_ = cells; }
  int64_t mtime_s() const { return mtime_s_; }
  uint32_t stamp() const { return stamp_; }
  std::string_view ref() const { return ref_; }
  size_t file_count() const { return file_count_; }
  uint64_t own_bytes() const { return own_bytes_; }
  uint64_t max_size() const { return max_size_; }
  DirHeader Header() const;
  // The bytes after the header (the file columns), unchanged by a rename.
  std::string_view Body() const { return tail_; }
  uint64_t ext_count() const { return ext_count_; }
  std::string_view ext_table() const { return ext_table_; }  // the entries, after their count
  // The directory header's bytes (before the file count), version byte included.
  std::string_view header_bytes() const {
    return bytes_.substr(0, static_cast<size_t>(tail_.data() - bytes_.data()));
  }
  // Column bases and part sizes, for the byte breakdown (record_stats.h).
  int64_t mtime_base() const { return mtime_base_; }
  NodeId id_base() const { return id_base_; }
  size_t entry_bytes() const { return body_.size(); }
  size_t block_table_bytes() const { return offsets_.size(); }

  // Finds a child by name; false when absent. *index (if given): its position.
  bool Find(std::string_view name, FileEntry* out, size_t* index = nullptr) const;
  // All entries, in name order.
  Status DecodeAll(std::vector<FileEntry>* out) const;

 private:
  friend class EntryCursor;
  std::string_view ExtAt(uint64_t index) const;
  // Compares the first name of `block` with `name` without decoding more than needed.
  bool CompareBlockFirst(size_t block, std::string_view name, int* cmp) const;
  size_t BlockCount() const;
  size_t BlockOffset(size_t block) const;

  std::string_view bytes_;  // the whole record
  NodeId node_id_ = 0;
  NodeId parent_id_ = 0;
  std::string_view name_;
  int64_t mtime_s_ = 0;
  uint32_t stamp_ = 0;
  std::string_view ref_;
  size_t file_count_ = 0;
  uint64_t own_bytes_ = 0;
  uint64_t max_size_ = 0;
  int64_t mtime_base_ = 0;
  NodeId id_base_ = 0;
  bool hot_ = false;
  uint64_t cold_ref_ = 0;
  std::span<const ColdCell> cold_;
  uint64_t ext_count_ = 0;
  std::string_view ext_table_;
  std::string_view body_;
  std::string_view offsets_;
  std::string_view tail_;  // from file_count to the checksum, for ReplaceHeader
};

// Sequential decoder over a record's entries, starting at a block boundary.
class EntryCursor {
 public:
  explicit EntryCursor(const RecordView& view, size_t first_block = 0);
  // Decodes the next entry; false at the end or on malformed bytes (then ok() is false).
  bool Next(FileEntry* e);
  // Two halves of Next, for searches that compare names before paying for the rest:
  // NextName decodes name and kind; then exactly one of Rest or SkipRest must follow.
  bool NextName(FileEntry* e);
  bool Rest(FileEntry* e);
  bool SkipRest();
  bool ok() const { return ok_; }
  size_t index() const { return index_; }              // of the entry the next call decodes
  const char* position() const { return in_.data(); }  // where the next entry's bytes start

 private:
  bool Fail();
  bool DecodeName(uint8_t tag, FileEntry* e);
  bool Advance();

  const RecordView& view_;
  std::string_view in_;
  size_t index_ = 0;
  std::string stem_;
  bool ok_ = true;
};

// Conversions between the forms that copy every entry's bytes instead of re-encoding
// names (a load or save of a tree with a cold column is mostly these). REQUIRES: a view
// of a record this process encoded or validated.
// Version 1 -> hot: the entries' stamps and hashes go to *cells; cold_ref is 0 until
// SetColdRef writes the run's offset (known only once *cells are appended).
std::string ToHotRecord(const RecordView& full, std::vector<ColdCell>* cells);
void SetColdRef(std::string* hot, uint64_t cold_ref);
// Hot, with its cells attached (AttachCold) -> version 1.
std::string ToFullRecord(const RecordView& hot);

// Header fields read straight from record bytes (already parsed once, so in bounds).
inline NodeId RecordNodeId(std::string_view rec) { return DecodeFixed64(rec.data() + 1); }
inline NodeId RecordParentId(std::string_view rec) { return DecodeFixed64(rec.data() + 9); }
std::string_view RecordName(std::string_view rec);

// The same directory with a new header (rename or move): the body is copied verbatim.
std::string ReplaceHeader(const RecordView& view, const DirHeader& header);

// Splits "photo.jpg" into stem "photo" and extension "jpg"; empty extension when the
// name has none by the format's rule (kMaxExtLength, non-empty stem).
void SplitExtension(std::string_view name, std::string_view* stem, std::string_view* ext);

}  // namespace arbor::node_index
