// Record layout (v1), all integers little endian, "varint" = LEB128, "zz" = zig-zag varint:
//
//   u8 version | fixed64 node_id | fixed64 parent_id | varint len + name
//   zz mtime_s | fixed24 stamp | varint len + ref | varint file_count
//   if file_count > 0:
//     varint own_bytes | varint max_size | zz mtime_base | varint id_base
//     varint ext_count, then per extension: u8 len + bytes
//     varint body_len | body | (block_count - 1) x fixed32 block offset into body
//   fixed32 checksum (low 32 bits of XXH3-64 over everything before it)
//
// The body is blocks of kBlockEntries entries. One entry:
//   u8 tag (extension code << 5 | raw flag << 4 | shared-prefix length)
//   [varint (extension slot << 2 | kind)   when the extension code is 7]
//   [varint shared - 15                     when the shared length is 15]
//   stem suffix: raw flag set: varint length + bytes; else the name code (name_code.cc)
//   varint size | varint mtime_s - mtime_base | varint node_id - id_base
//   fixed24 stamp | fixed64 hash
// A hot record (version 2, RAM only) adds fixed64 cold_ref after id_base and leaves
// stamp and hash out of every entry: they are the cells of a cold column run.
// Stems are front-coded against the previous entry of the same block; the first entry of
// a block shares nothing, which is what makes binary search over blocks possible.
#include "node_index/record_codec.h"

#include <xxhash.h>

#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "base/coding.h"
#include "node_index/name_code.h"
#include "node_index/record_format.h"

namespace arbor::node_index {
namespace {

uint32_t Checksum(std::string_view bytes) {
  return static_cast<uint32_t>(XXH3_64bits(bytes.data(), bytes.size()));
}

void PutStamp(std::string* out, uint32_t stamp) {
  char b[4];
  EncodeFixed32(b, stamp);
  out->append(b, kStampBytes);
}

bool GetStamp(std::string_view* in, uint32_t* stamp) {
  if (in->size() < kStampBytes) return false;
  char b[4] = {};
  std::memcpy(b, in->data(), kStampBytes);
  *stamp = DecodeFixed32(b);
  in->remove_prefix(kStampBytes);
  return true;
}

size_t SharedPrefix(std::string_view a, std::string_view b) {
  size_t n = std::min(a.size(), b.size());
  size_t i = 0;
  while (i < n && a[i] == b[i]) ++i;
  return i;
}

// Extension table of one record, most used first (ties in byte order), so that the
// common extensions fit the tag byte.
class ExtTable {
 public:
  explicit ExtTable(std::span<const FileEntry> files) {
    std::unordered_map<std::string_view, size_t> uses;
    for (const FileEntry& f : files) {
      std::string_view stem, ext;
      SplitExtension(f.name, &stem, &ext);
      if (!ext.empty()) uses[ext]++;
    }
    std::vector<std::pair<size_t, std::string_view>> order;
    for (const auto& [ext, n] : uses) order.emplace_back(n, ext);
    std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    for (const auto& [n, ext] : order) {
      slots_.emplace(ext, exts_.size() + 1);
      exts_.push_back(ext);
    }
  }
  uint64_t Slot(std::string_view ext) const { return ext.empty() ? 0 : slots_.at(ext); }
  void Encode(std::string* out) const {
    PutVarint64(out, exts_.size());
    for (std::string_view e : exts_) {
      out->push_back(static_cast<char>(e.size()));
      out->append(e);
    }
  }

 private:
  std::vector<std::string_view> exts_;
  std::unordered_map<std::string_view, uint64_t> slots_;
};

struct Bases {
  uint64_t own_bytes = 0;
  uint64_t max_size = 0;
  int64_t mtime_base = 0;
  NodeId id_base = 0;
};

Bases ComputeBases(std::span<const FileEntry> files) {
  Bases b{0, 0, files[0].mtime_s, files[0].node_id};
  for (const FileEntry& f : files) {
    b.own_bytes += f.size;
    b.max_size = std::max(b.max_size, f.size);
    b.mtime_base = std::min(b.mtime_base, f.mtime_s);
    b.id_base = std::min(b.id_base, f.node_id);
  }
  return b;
}

void EncodeName(std::string_view suffix, int prev, bool raw, std::string* body) {
  if (raw) {
    PutLengthPrefixed(body, suffix);
  } else {
    EncodeNameCode(suffix, prev, body);
  }
}

void EncodeEntry(const FileEntry& f, const Bases& b, const ExtTable& exts, std::string_view prev_stem,
                 bool hot, std::string* body) {
  std::string_view stem, ext;
  SplitExtension(f.name, &stem, &ext);
  uint64_t slot = exts.Slot(ext);
  bool direct = f.kind == NodeKind::kFile && slot <= kExtDirect;
  uint8_t ext_code = direct ? static_cast<uint8_t>(slot) : kExtEscape;
  size_t shared = SharedPrefix(prev_stem, stem);
  uint8_t shared_code = static_cast<uint8_t>(std::min<size_t>(shared, kSharedEscape));
  std::string_view suffix = stem.substr(shared);
  int prev = shared > 0 ? static_cast<unsigned char>(stem[shared - 1]) : -1;
  bool raw = static_cast<size_t>(VarintLength(suffix.size())) + suffix.size() < NameCodeBytes(suffix, prev);
  body->push_back(static_cast<char>(ext_code << kTagExtShift | (raw ? kTagRawBit : 0) | shared_code));
  if (!direct) PutVarint64(body, slot << 2 | static_cast<uint64_t>(f.kind));
  if (shared_code == kSharedEscape) PutVarint64(body, shared - kSharedEscape);
  EncodeName(suffix, prev, raw, body);
  PutVarint64(body, f.size);
  PutVarint64(body, static_cast<uint64_t>(f.mtime_s - b.mtime_base));
  PutVarint64(body, f.node_id - b.id_base);
  if (hot) return;
  PutStamp(body, f.stamp);
  PutFixed64(body, f.hash);
}

void EncodeHeader(const DirHeader& h, uint8_t version, std::string* out) {
  out->push_back(static_cast<char>(version));
  PutFixed64(out, h.node_id);
  PutFixed64(out, h.parent_id);
  PutLengthPrefixed(out, h.name);
  PutVarintSigned64(out, h.mtime_s);
  PutStamp(out, h.stamp);
  PutLengthPrefixed(out, h.ref);
}

// hot: the entries leave out stamp and hash, and the column header carries cold_ref.
void EncodeFiles(std::span<const FileEntry> files, bool hot, uint64_t cold_ref, std::string* out) {
  PutVarint64(out, files.size());
  if (files.empty()) return;
  Bases b = ComputeBases(files);
  ExtTable exts(files);
  std::string body;
  std::vector<uint32_t> offsets;
  std::string_view prev_stem;
  for (size_t i = 0; i < files.size(); ++i) {
    if (i % kBlockEntries == 0) {
      if (i > 0) offsets.push_back(static_cast<uint32_t>(body.size()));
      prev_stem = {};
    }
    EncodeEntry(files[i], b, exts, prev_stem, hot, &body);
    std::string_view ext;
    SplitExtension(files[i].name, &prev_stem, &ext);
  }
  PutVarint64(out, b.own_bytes);
  PutVarint64(out, b.max_size);
  PutVarintSigned64(out, b.mtime_base);
  PutVarint64(out, b.id_base);
  if (hot) PutFixed64(out, cold_ref);
  exts.Encode(out);
  PutLengthPrefixed(out, body);
  for (uint32_t off : offsets) PutFixed32(out, off);
}

Status Bad(const char* what) { return Status::Corruption(std::string("directory record: ") + what); }

}  // namespace

void SplitExtension(std::string_view name, std::string_view* stem, std::string_view* ext) {
  size_t dot = name.rfind('.');
  bool has = dot != std::string_view::npos && dot > 0 && dot + 1 < name.size() &&
             name.size() - dot - 1 <= kMaxExtLength;
  *stem = has ? name.substr(0, dot) : name;
  *ext = has ? name.substr(dot + 1) : std::string_view();
}

std::string EncodeRecord(const DirHeader& header, std::span<const FileEntry> files) {
  std::string out;
  EncodeHeader(header, kRecordVersion, &out);
  EncodeFiles(files, false, 0, &out);
  PutFixed32(&out, Checksum(out));
  return out;
}

std::string EncodeHotRecord(const DirHeader& header, std::span<const FileEntry> files, uint64_t cold_ref) {
  std::string out;
  EncodeHeader(header, kHotRecordVersion, &out);
  EncodeFiles(files, true, cold_ref, &out);
  PutFixed32(&out, Checksum(out));
  return out;
}

std::vector<ColdCell> ColdCells(std::span<const FileEntry> files) {
  std::vector<ColdCell> out;
  out.reserve(files.size());
  for (const FileEntry& f : files) out.push_back(ColdCell{f.stamp, f.hash});
  return out;
}

namespace {

// Copies `v`'s record with every entry's bytes passed through `entry(bytes, index, out)`,
// recomputing the body length and block offsets. `version` and `cold_ref` (written when
// the target form is hot) make the new column header.
template <typename EntryFn>
std::string CopyEntries(const RecordView& v, uint8_t version, EntryFn entry) {
  bool hot_out = version == kHotRecordVersion;
  std::string out(v.header_bytes());
  out[0] = static_cast<char>(version);
  PutVarint64(&out, v.file_count());
  if (v.file_count() == 0) {
    PutFixed32(&out, Checksum(out));
    return out;
  }
  std::string body;
  std::vector<uint32_t> offsets;
  EntryCursor c(v);
  FileEntry e;
  for (size_t i = 0; i < v.file_count(); ++i) {
    if (i % kBlockEntries == 0 && i > 0) offsets.push_back(static_cast<uint32_t>(body.size()));
    const char* start = c.position();
    (void)c.Next(&e);  // the view was validated: every entry decodes
    entry(std::string_view(start, static_cast<size_t>(c.position() - start)), e, &body);
  }
  PutVarint64(&out, v.own_bytes());
  PutVarint64(&out, v.max_size());
  PutVarintSigned64(&out, v.mtime_base());
  PutVarint64(&out, v.id_base());
  if (hot_out) PutFixed64(&out, 0);
  PutVarint64(&out, v.ext_count());
  out.append(v.ext_table());
  PutLengthPrefixed(&out, body);
  for (uint32_t off : offsets) PutFixed32(&out, off);
  PutFixed32(&out, Checksum(out));
  return out;
}

}  // namespace

std::string ToHotRecord(const RecordView& full, std::vector<ColdCell>* cells) {
  cells->clear();
  cells->reserve(full.file_count());
  constexpr size_t kCold = kStampBytes + 8;  // an entry's last bytes: stamp, hash
  return CopyEntries(full, kHotRecordVersion,
                     [&](std::string_view bytes, const FileEntry& e, std::string* body) {
                       body->append(bytes.substr(0, bytes.size() - kCold));
                       cells->push_back(ColdCell{e.stamp, e.hash});
                     });
}

void SetColdRef(std::string* hot, uint64_t cold_ref) {
  RecordView v;
  (void)RecordView::Parse(*hot, &v, Verify::kTrusted);
  if (!v.hot() || v.file_count() == 0) return;  // an empty directory has no run
  auto at = static_cast<size_t>(v.ext_table().data() - hot->data()) -
            static_cast<size_t>(VarintLength(v.ext_count())) - 8;
  EncodeFixed64(hot->data() + at, cold_ref);
  EncodeFixed32(hot->data() + hot->size() - kChecksumBytes,
                Checksum(std::string_view(*hot).substr(0, hot->size() - kChecksumBytes)));
}

std::string ToFullRecord(const RecordView& hot) {
  return CopyEntries(hot, kRecordVersion, [](std::string_view bytes, const FileEntry& e, std::string* body) {
    body->append(bytes);
    PutStamp(body, e.stamp);
    PutFixed64(body, e.hash);
  });
}

std::string ReplaceHeader(const RecordView& view, const DirHeader& header) {
  std::string out;
  EncodeHeader(header, view.hot() ? kHotRecordVersion : kRecordVersion, &out);
  out.append(view.Body());
  PutFixed32(&out, Checksum(out));
  return out;
}

std::string_view RecordName(std::string_view rec) {
  auto len = static_cast<unsigned char>(rec[17]);
  if (len < 0x80) return rec.substr(18, len);  // names under 128 bytes: one length byte
  std::string_view in = rec.substr(17);
  std::string_view name;
  return GetLengthPrefixed(&in, &name) ? name : std::string_view();
}

Status RecordView::Parse(std::string_view bytes, RecordView* v, Verify verify) {
  if (bytes.size() < 1 + 16 + kChecksumBytes) return Bad("truncated header");
  std::string_view in = bytes.substr(0, bytes.size() - kChecksumBytes);
  if (verify == Verify::kChecksum && DecodeFixed32(bytes.data() + in.size()) != Checksum(in)) {
    return Bad("checksum mismatch");
  }
  auto version = static_cast<uint8_t>(in[0]);
  if (version != kRecordVersion && version != kHotRecordVersion) {
    return Status::Unsupported("directory record: unknown version " + std::to_string(version));
  }
  v->bytes_ = bytes;
  v->hot_ = version == kHotRecordVersion;
  v->cold_ref_ = 0;
  v->cold_ = {};
  in.remove_prefix(1);
  uint64_t count = 0;
  if (!GetFixed64(&in, &v->node_id_) || !GetFixed64(&in, &v->parent_id_) ||
      !GetLengthPrefixed(&in, &v->name_) || !GetVarintSigned64(&in, &v->mtime_s_) ||
      !GetStamp(&in, &v->stamp_) || !GetLengthPrefixed(&in, &v->ref_)) {
    return Bad("malformed header");
  }
  v->tail_ = in;
  if (!GetVarint64(&in, &count)) return Bad("malformed file count");
  v->file_count_ = count;
  if (count == 0) return in.empty() ? Status::Ok() : Bad("trailing bytes");
  if (count > in.size() || !GetVarint64(&in, &v->own_bytes_) || !GetVarint64(&in, &v->max_size_) ||
      !GetVarintSigned64(&in, &v->mtime_base_) || !GetVarint64(&in, &v->id_base_) ||
      (v->hot_ && !GetFixed64(&in, &v->cold_ref_)) || !GetVarint64(&in, &v->ext_count_) ||
      v->ext_count_ > count) {
    return Bad("malformed column header");
  }
  const char* ext_start = in.data();
  for (uint64_t i = 0; i < v->ext_count_; ++i) {
    if (in.empty() || static_cast<uint8_t>(in[0]) + 1u > in.size()) return Bad("malformed extensions");
    in.remove_prefix(1 + static_cast<uint8_t>(in[0]));
  }
  v->ext_table_ = std::string_view(ext_start, static_cast<size_t>(in.data() - ext_start));
  if (!GetLengthPrefixed(&in, &v->body_)) return Bad("truncated body");
  size_t offset_bytes = (v->BlockCount() - 1) * 4;
  if (in.size() != offset_bytes) return Bad("block table size mismatch");
  v->offsets_ = in;
  for (size_t b = 1; b < v->BlockCount(); ++b) {
    if (v->BlockOffset(b) <= v->BlockOffset(b - 1) || v->BlockOffset(b) >= v->body_.size()) {
      return Bad("block offsets out of order");
    }
  }
  return Status::Ok();
}

size_t RecordView::BlockCount() const { return (file_count_ + kBlockEntries - 1) / kBlockEntries; }

size_t RecordView::BlockOffset(size_t block) const {
  return block == 0 ? 0 : DecodeFixed32(offsets_.data() + (block - 1) * 4);
}

std::string_view RecordView::ExtAt(uint64_t index) const {
  std::string_view t = ext_table_;
  for (uint64_t i = 0; i < index; ++i) t.remove_prefix(1 + static_cast<uint8_t>(t[0]));
  return t.substr(1, static_cast<uint8_t>(t[0]));
}

DirHeader RecordView::Header() const {
  return DirHeader{node_id_, parent_id_, std::string(name_), mtime_s_, stamp_, std::string(ref_)};
}

bool RecordView::CompareBlockFirst(size_t block, std::string_view name, int* cmp) const {
  std::string_view in = body_.substr(BlockOffset(block));
  if (in.empty()) return false;
  auto tag = static_cast<uint8_t>(in[0]);
  in.remove_prefix(1);
  uint64_t slot = tag >> kTagExtShift, v = 0;
  if (slot == kExtEscape) {
    if (!GetVarint64(&in, &v)) return false;
    slot = v >> 2;
  }
  if ((tag & kTagSharedMask) != 0 || slot > ext_count_) return false;  // block starts share nothing
  std::string tail;
  if (slot != 0) tail = "." + std::string(ExtAt(slot - 1));
  if (tag & kTagRawBit) {
    std::string_view raw;
    if (!GetLengthPrefixed(&in, &raw)) return false;
    int c = (std::string(raw) + tail).compare(name);
    *cmp = c < 0 ? -1 : c > 0 ? 1 : 0;
    return true;
  }
  return CompareNameCode(in, -1, tail, name, cmp);
}

bool RecordView::Find(std::string_view name, FileEntry* out, size_t* index) const {
  size_t lo = 0, hi = BlockCount();  // the answer's block is in [lo, hi)
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    int cmp = 0;
    if (!CompareBlockFirst(mid, name, &cmp)) return false;
    if (cmp <= 0) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  EntryCursor c(*this, lo);
  for (size_t i = 0; i < kBlockEntries && c.NextName(out); ++i) {
    int cmp = std::string_view(out->name).compare(name);
    if (index != nullptr) *index = c.index();
    if (cmp == 0) return c.Rest(out);
    if (cmp > 0 || !c.SkipRest()) return false;
  }
  return false;
}

Status RecordView::DecodeAll(std::vector<FileEntry>* out) const {
  out->clear();
  out->reserve(file_count_);
  EntryCursor c(*this);
  FileEntry e;
  while (c.Next(&e)) out->push_back(e);
  return c.ok() ? Status::Ok() : Bad("malformed entry");
}

Status RecordView::Validate() const {
  EntryCursor c(*this);
  FileEntry e;
  std::string prev;
  uint64_t total = 0, max = 0;
  for (size_t i = 0; c.Next(&e); ++i) {
    if (i > 0 && e.name <= prev) return Bad("names out of order");
    if (e.name.empty() || e.name.find('/') != std::string::npos) return Bad("invalid file name");
    total += e.size;
    max = std::max(max, e.size);
    prev = std::move(e.name);
  }
  if (!c.ok()) return Bad("malformed entry");
  if (total != own_bytes_ || max != max_size_) return Bad("column totals mismatch");
  return Status::Ok();
}

EntryCursor::EntryCursor(const RecordView& view, size_t first_block)
    : view_(view), index_(first_block * kBlockEntries) {
  if (index_ < view.file_count_) in_ = view.body_.substr(view.BlockOffset(first_block));
}

bool EntryCursor::Fail() {
  ok_ = false;
  return false;
}

bool EntryCursor::DecodeName(uint8_t tag, FileEntry* e) {
  uint64_t ext_code = tag >> kTagExtShift, slot = ext_code, kind = 0, shared = tag & kTagSharedMask;
  if (ext_code == kExtEscape) {
    uint64_t v = 0;
    if (!GetVarint64(&in_, &v)) return false;
    slot = v >> 2;
    kind = v & 3;
  }
  uint64_t more = 0;
  if (shared == kSharedEscape && !GetVarint64(&in_, &more)) return false;
  shared += more;
  if (slot > view_.ext_count_ || kind >= static_cast<uint64_t>(NodeKind::kDirectory) ||
      shared > stem_.size()) {
    return false;
  }
  stem_.resize(shared);
  if (tag & kTagRawBit) {
    std::string_view raw;
    if (!GetLengthPrefixed(&in_, &raw) || shared + raw.size() > kMaxNameLength) return false;
    stem_.append(raw);
  } else if (!DecodeNameCode(&in_, &stem_, kMaxNameLength - shared)) {
    return false;
  }
  e->kind = static_cast<NodeKind>(kind);
  e->name = stem_;
  if (slot != 0) {
    e->name.push_back('.');
    e->name.append(view_.ExtAt(slot - 1));
  }
  return true;
}

bool EntryCursor::NextName(FileEntry* e) {
  if (!ok_ || index_ >= view_.file_count_) return false;
  if (index_ % kBlockEntries == 0) {
    if (in_.data() != view_.body_.data() + view_.BlockOffset(index_ / kBlockEntries)) return Fail();
    stem_.clear();
  }
  if (in_.empty()) return Fail();
  uint8_t tag = static_cast<uint8_t>(in_[0]);
  in_.remove_prefix(1);
  return DecodeName(tag, e) || Fail();
}

bool EntryCursor::Rest(FileEntry* e) {
  uint64_t mtime_delta = 0, id_delta = 0;
  if (!GetVarint64(&in_, &e->size) || !GetVarint64(&in_, &mtime_delta) || !GetVarint64(&in_, &id_delta)) {
    return Fail();
  }
  if (!view_.hot_) {
    if (!GetStamp(&in_, &e->stamp) || !GetFixed64(&in_, &e->hash)) return Fail();
  } else if (index_ < view_.cold_.size()) {
    e->stamp = view_.cold_[index_].stamp;
    e->hash = view_.cold_[index_].hash;
  } else {
    e->stamp = 0;
    e->hash = 0;
  }
  e->mtime_s = view_.mtime_base_ + static_cast<int64_t>(mtime_delta);
  e->node_id = view_.id_base_ + id_delta;
  return Advance();
}

bool EntryCursor::SkipRest() {
  uint64_t ignored = 0;
  size_t cold = view_.hot_ ? 0 : kStampBytes + 8;
  if (!GetVarint64(&in_, &ignored) || !GetVarint64(&in_, &ignored) || !GetVarint64(&in_, &ignored) ||
      in_.size() < cold) {
    return Fail();
  }
  in_.remove_prefix(cold);
  return Advance();
}

bool EntryCursor::Advance() {
  ++index_;
  if (index_ == view_.file_count_ && in_.data() != view_.body_.data() + view_.body_.size()) return Fail();
  return true;
}

bool EntryCursor::Next(FileEntry* e) { return NextName(e) && Rest(e); }

}  // namespace arbor::node_index
