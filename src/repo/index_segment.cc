#include "repo/index_segment.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <map>
#include <tuple>

#include "base/coding.h"

namespace arbor {
namespace {

// The head's fields: u32 record_size, u32 pack_count, u64 record_count.
constexpr size_t kFields = 4 + 4 + 8;
// Records per ranged read when streaming; a multiple of kBlockRecords.
constexpr uint64_t kStreamBatch = 65536;
// Version 2: records are sealed in blocks of 64 (SegmentReader's fence stride, so a
// lookup's fence-aligned read of 128 records opens exactly two blocks).
constexpr uint64_t kBlockRecords = 64;
constexpr size_t kSaltBytes = 16;
constexpr size_t kV2Prefix = format::kHeaderSize + kSaltBytes + 4;  // header, salt, head length
static_assert(kStreamBatch % kBlockRecords == 0);

// Stored size of the first `n` records of a version-2 segment: full blocks, then the
// last, shorter one.
uint64_t StoredRecordBytes(uint64_t n, uint64_t record_size) {
  uint64_t full = n / kBlockRecords, rest = n % kBlockRecords;
  return full * (kBlockRecords * record_size + crypto::kSealOverhead) +
         (rest == 0 ? 0 : rest * record_size + crypto::kSealOverhead);
}

bool KnownRecordSize(uint64_t size) {
  return size == format::kIndexRecordSize || size == format::kLegacyIndexRecordSize;
}

std::string BlockBinding(std::string_view salt, uint64_t block) {
  std::string b(salt);
  PutFixed64(&b, block);
  return b;
}

void EncodeRecord(const Digest& id, uint32_t pack_ordinal, const BlobLocation& loc, std::string* out) {
  out->append(id.view());
  PutFixed32(out, pack_ordinal);
  PutFixed32(out, loc.offset);
  PutFixed32(out, loc.length);
  PutFixed32(out, loc.raw_length);
  out->push_back(static_cast<char>(loc.type));
}

}  // namespace

std::string EncodeIndexSegment(std::vector<IndexEntry> entries, const ObjectCipher* cipher,
                               const std::vector<Digest>& superseded) {
  bool fold = !superseded.empty();
  // A fold is the union of its inputs: it keeps every distinct location of a blob (prune's
  // repack indexes a second copy before the first one's pack goes; keeping either one alone
  // could keep the one about to be deleted). Other segments keep one location per blob.
  auto order = [](const IndexEntry& e) {
    return std::tie(e.id, e.location.pack, e.location.offset, e.location.length, e.location.raw_length,
                    e.location.type);
  };
  std::sort(entries.begin(), entries.end(),
            [&](const auto& a, const auto& b) { return order(a) < order(b); });
  entries.erase(
      std::unique(entries.begin(), entries.end(),
                  [&](const auto& a, const auto& b) { return fold ? order(a) == order(b) : a.id == b.id; }),
      entries.end());
  std::map<Digest, uint32_t> ordinals;
  std::vector<Digest> packs;
  for (const auto& e : entries) {
    if (ordinals.emplace(e.location.pack, static_cast<uint32_t>(packs.size())).second) {
      packs.push_back(e.location.pack);
    }
  }
  std::string head;
  head.reserve(kFields + 4 + (packs.size() + superseded.size()) * 32);
  PutFixed32(&head, static_cast<uint32_t>(format::kIndexRecordSize));
  PutFixed32(&head, static_cast<uint32_t>(packs.size()));
  PutFixed64(&head, entries.size());
  // Version 3 has the count among the fixed fields (a reader needs it to find the
  // records); a sealed head has its length, so there the count follows the pack table.
  if (fold && cipher == nullptr) PutFixed32(&head, static_cast<uint32_t>(superseded.size()));
  for (const auto& p : packs) head.append(p.view());
  if (fold && cipher != nullptr) PutFixed32(&head, static_cast<uint32_t>(superseded.size()));
  for (const auto& id : superseded) head.append(id.view());
  std::string records;
  records.reserve(entries.size() * format::kIndexRecordSize);
  for (const auto& e : entries) EncodeRecord(e.id, ordinals[e.location.pack], e.location, &records);
  if (cipher == nullptr) {
    return format::Header(format::kIndexMagic, fold ? format::kIndexFoldVersion : format::kIndexVersion) +
           head + records;
  }

  std::string salt = crypto::RandomBytes(kSaltBytes);
  const crypto::AeadKey& key = cipher->master().encryption_key();
  std::string sealed_head = key.Seal(head, cipher->AssociatedData(SealedKind::kIndexHead, salt));
  std::string out = format::Header(format::kIndexMagic, format::kEncryptedVersion) + salt;
  PutFixed32(&out, static_cast<uint32_t>(sealed_head.size()));
  out += sealed_head;
  out.reserve(out.size() + StoredRecordBytes(entries.size(), format::kIndexRecordSize));
  constexpr size_t kBlockBytes = kBlockRecords * format::kIndexRecordSize;
  for (uint64_t b = 0; b * kBlockBytes < records.size(); ++b) {
    key.SealTo(std::string_view(records).substr(b * kBlockBytes, kBlockBytes),
               cipher->AssociatedData(SealedKind::kIndexBlock, BlockBinding(salt, b)), &out);
  }
  return out;
}

SegmentReader::SegmentReader(ObjectStore* store, std::string key, const ObjectCipher* cipher)
    : store_(store), key_(std::move(key)), cipher_(cipher) {}

size_t SegmentReader::MemoryBytes() const {
  return sizeof(*this) + resident_.capacity() + packs_.capacity() * sizeof(Digest) + fences_.capacity() * 8 +
         (bloom_ ? bloom_->MemoryBytes() : 0);
}

Result<std::string> SegmentReader::ReadBytes(uint64_t offset, uint64_t length) const {
  if (!bytes_.empty() || store_ == nullptr) {
    return std::string(bytes_.substr(std::min<uint64_t>(offset, bytes_.size()), length));
  }
  return store_->Get(key_, offset, length);
}

Status SegmentReader::ParseHead(std::string_view rest, bool counted) {
  uint32_t record_size = 0, pack_count = 0, superseded_count = 0;
  if (!GetFixed32(&rest, &record_size) || !GetFixed32(&rest, &pack_count) || !GetFixed64(&rest, &count_) ||
      !KnownRecordSize(record_size) || (counted && !GetFixed32(&rest, &superseded_count))) {
    return Status::Corruption("index " + key_ + " has a damaged header");
  }
  record_size_ = record_size;
  if (rest.size() < static_cast<size_t>(pack_count) * 32) return Status::Corruption("index header cut short");
  packs_.reserve(pack_count);
  for (uint32_t i = 0; i < pack_count; ++i) packs_.push_back(Digest::FromBytes(rest.substr(i * 32, 32)));
  rest.remove_prefix(static_cast<size_t>(pack_count) * 32);
  if (!counted && !rest.empty() && !GetFixed32(&rest, &superseded_count)) {
    return Status::Corruption("index " + key_ + " has a damaged header");
  }
  if (rest.size() != static_cast<size_t>(superseded_count) * 32) {
    return Status::Corruption("index " + key_ + " has a damaged header (its table of folded segments)");
  }
  superseded_.reserve(superseded_count);
  for (uint32_t i = 0; i < superseded_count; ++i) {
    superseded_.push_back(Digest::FromBytes(rest.substr(static_cast<size_t>(i) * 32, 32)));
  }
  return Status::Ok();
}

Status SegmentReader::LoadHead(uint64_t object_size, Sha256* hash) {
  std::string what = "index " + key_;
  if (cipher_ == nullptr) {
    ARBOR_ASSIGN_OR_RETURN(std::string head, ReadBytes(0, format::kHeaderSize + kFields + 4));
    ARBOR_RETURN_IF_ERROR(
        format::CheckHeader(head, format::kIndexMagic, format::kIndexFoldVersion, what).status());
    uint32_t version = DecodeFixed32(head.data() + format::kIndexMagic.size());
    if (version == format::kEncryptedVersion) {
      return Status::Unsupported(what + " is encrypted (version 2) in an unencrypted repository");
    }
    bool counted = version == format::kIndexFoldVersion;
    size_t fields = kFields + (counted ? 4 : 0);
    if (head.size() < format::kHeaderSize + fields) return Status::Corruption(what + " has a damaged header");
    uint32_t record_size = DecodeFixed32(head.data() + format::kHeaderSize);
    uint32_t pack_count = DecodeFixed32(head.data() + format::kHeaderSize + 4);
    uint64_t count = DecodeFixed64(head.data() + format::kHeaderSize + 8);
    uint32_t superseded_count = counted ? DecodeFixed32(head.data() + format::kHeaderSize + kFields) : 0;
    if (!KnownRecordSize(record_size)) return Status::Corruption(what + " has a damaged header");
    records_offset_ =
        format::kHeaderSize + fields + (static_cast<uint64_t>(pack_count) + superseded_count) * 32;
    // The size is checked before anything is allocated from the header's counts.
    if (count > object_size / record_size || records_offset_ > object_size ||
        object_size != records_offset_ + count * record_size) {
      return Status::Corruption(what + " has the wrong size (truncated?)");
    }
    ARBOR_ASSIGN_OR_RETURN(head, ReadBytes(0, records_offset_));
    if (hash != nullptr) hash->Update(head);
    return ParseHead(std::string_view(head).substr(format::kHeaderSize), counted);
  }
  ARBOR_ASSIGN_OR_RETURN(std::string prefix, ReadBytes(0, kV2Prefix));
  ARBOR_RETURN_IF_ERROR(
      format::CheckHeader(prefix, format::kIndexMagic, format::kEncryptedVersion, what).status());
  if (DecodeFixed32(prefix.data() + format::kIndexMagic.size()) != format::kEncryptedVersion) {
    return Status::Corruption(what + " is not encrypted (version 1) in an encrypted repository");
  }
  if (prefix.size() != kV2Prefix) return Status::Corruption(what + " has a damaged header");
  salt_ = prefix.substr(format::kHeaderSize, kSaltBytes);
  uint32_t head_length = DecodeFixed32(prefix.data() + format::kHeaderSize + kSaltBytes);
  if (head_length < crypto::kSealOverhead + kFields || head_length > object_size) {
    return Status::Corruption(what + " has a damaged header");
  }
  ARBOR_ASSIGN_OR_RETURN(std::string sealed, ReadBytes(kV2Prefix, head_length));
  if (sealed.size() != head_length) return Status::Corruption(what + " is truncated");
  if (hash != nullptr) {
    hash->Update(prefix);
    hash->Update(sealed);
  }
  auto head =
      cipher_->master().encryption_key().Open(sealed, cipher_->AssociatedData(SealedKind::kIndexHead, salt_));
  if (!head.ok()) return head.status().Annotate(what + " head");
  ARBOR_RETURN_IF_ERROR(ParseHead(*head, false));
  records_offset_ = kV2Prefix + head_length;
  if (count_ > object_size / record_size_ ||
      object_size != records_offset_ + StoredRecordBytes(count_, record_size_)) {
    return Status::Corruption(what + " has the wrong size (truncated?)");
  }
  return Status::Ok();
}

Status SegmentReader::LoadRecords(Sha256* hash) {
  bloom_ = std::make_unique<BloomFilter>(count_);
  fences_.reserve(count_ / kFenceStride + 1);
  for (uint64_t i = 0; i < count_; i += kStreamBatch) {
    uint64_t n = std::min(kStreamBatch, count_ - i);
    ARBOR_ASSIGN_OR_RETURN(std::string batch, ReadRecords(i, n, hash));
    for (uint64_t j = 0; j < n; ++j) {
      AddRecordToFilters(i + j, std::string_view(batch).substr(j * record_size_, 32));
    }
  }
  return Status::Ok();
}

void SegmentReader::AddRecordToFilters(uint64_t index, std::string_view record) {
  Digest id = Digest::FromBytes(record.substr(0, 32));
  if (index % kFenceStride == 0) fences_.push_back(id.Prefix64());
  bloom_->Add(id);
}

Result<IndexEntry> SegmentReader::DecodeRecord(std::string_view r) const {
  IndexEntry e;
  e.id = Digest::FromBytes(r.substr(0, 32));
  uint32_t ordinal = DecodeFixed32(r.data() + 32);
  if (ordinal >= packs_.size() || static_cast<uint8_t>(r[48]) > 1) {
    return Status::Corruption("index " + key_ + " has a record with a bad pack or type");
  }
  e.location.pack = packs_[ordinal];
  e.location.offset = DecodeFixed32(r.data() + 36);
  e.location.length = DecodeFixed32(r.data() + 40);
  e.location.raw_length = DecodeFixed32(r.data() + 44);
  e.location.type = static_cast<format::BlobType>(r[48]);
  return e;
}

Result<std::unique_ptr<SegmentReader>> SegmentReader::Open(ObjectStore* store, const std::string& key,
                                                           const ObjectCipher* cipher) {
  std::unique_ptr<SegmentReader> r(new SegmentReader(store, key, cipher));
  ARBOR_ASSIGN_OR_RETURN(ObjectInfo info, store->Stat(key));
  Sha256 hash;
  ARBOR_RETURN_IF_ERROR(r->LoadHead(info.size, &hash));
  ARBOR_RETURN_IF_ERROR(r->LoadRecords(&hash));
  Digest expected;
  if (format::IdFromKey(key, &expected) && hash.Finish() != expected) {
    return Status::Corruption("index " + key + " does not match its checksum");
  }
  return r;
}

std::unique_ptr<SegmentReader> SegmentReader::FromEntries(ObjectStore* store, const std::string& key,
                                                          std::string_view encoded,
                                                          const ObjectCipher* cipher) {
  std::unique_ptr<SegmentReader> r(new SegmentReader(store, key, cipher));
  r->bytes_ = encoded;
  // We just encoded it: these cannot fail short of a bug.
  Status st = r->LoadHead(encoded.size(), nullptr);
  if (st.ok()) st = r->LoadRecords(nullptr);
  assert(st.ok());
  (void)st;
  r->bytes_ = {};
  return r;
}

std::unique_ptr<SegmentReader> SegmentReader::Resident(std::string label, std::string encoded) {
  auto r = FromEntries(nullptr, label, encoded);
  r->resident_ = std::move(encoded);
  r->bytes_ = r->resident_;
  return r;
}

Result<std::string> SegmentReader::ReadRecords(uint64_t first, uint64_t n, Sha256* hash) const {
  std::string what = "index " + key_;
  if (cipher_ == nullptr) {
    uint64_t length = n * record_size_;
    ARBOR_ASSIGN_OR_RETURN(std::string records, ReadBytes(records_offset_ + first * record_size_, length));
    if (records.size() != length) return Status::Corruption(what + " is truncated");
    if (hash != nullptr) hash->Update(records);
    return records;
  }
  if (n == 0) return std::string();
  if (first % kBlockRecords != 0) return Status::Internal(what + ": unaligned read of sealed records");
  uint64_t first_block = first / kBlockRecords;
  uint64_t last_block = (first + n - 1) / kBlockRecords;
  uint64_t begin = StoredRecordBytes(first_block * kBlockRecords, record_size_);
  uint64_t end = StoredRecordBytes(std::min(count_, (last_block + 1) * kBlockRecords), record_size_);
  ARBOR_ASSIGN_OR_RETURN(std::string stored, ReadBytes(records_offset_ + begin, end - begin));
  if (stored.size() != end - begin) return Status::Corruption(what + " is truncated");
  if (hash != nullptr) hash->Update(stored);
  std::string records;
  records.reserve((last_block - first_block + 1) * kBlockRecords * record_size_);
  const crypto::AeadKey& key = cipher_->master().encryption_key();
  for (uint64_t b = first_block; b <= last_block; ++b) {
    uint64_t from = StoredRecordBytes(b * kBlockRecords, record_size_) - begin;
    uint64_t to = StoredRecordBytes(std::min(count_, (b + 1) * kBlockRecords), record_size_) - begin;
    auto block = key.Open(std::string_view(stored).substr(from, to - from),
                          cipher_->AssociatedData(SealedKind::kIndexBlock, BlockBinding(salt_, b)));
    if (!block.ok()) return block.status().Annotate(what + " block " + std::to_string(b));
    records += *block;
  }
  records.resize(n * record_size_);
  return records;
}

Result<std::optional<BlobLocation>> SegmentReader::Find(const Digest& id) const {
  if (count_ == 0 || !bloom_->MayContain(id)) return std::optional<BlobLocation>();
  uint64_t prefix = id.Prefix64();
  // Last fence <= prefix; equal prefixes may straddle a fence, so start one earlier.
  auto it = std::upper_bound(fences_.begin(), fences_.end(), prefix);
  uint64_t block = it == fences_.begin() ? 0 : static_cast<uint64_t>(it - fences_.begin()) - 1;
  if (block > 0 && fences_[block] == prefix) --block;
  uint64_t first = block * kFenceStride;
  uint64_t n = std::min<uint64_t>(2 * kFenceStride, count_ - first);
  ARBOR_ASSIGN_OR_RETURN(std::string records, ReadRecords(first, n));
  for (uint64_t j = 0; j < n; ++j) {
    std::string_view r = std::string_view(records).substr(j * record_size_, record_size_);
    int cmp = std::memcmp(r.data(), id.bytes.data(), 32);
    if (cmp == 0) {
      ARBOR_ASSIGN_OR_RETURN(IndexEntry e, DecodeRecord(r));
      return std::optional<BlobLocation>(e.location);
    }
    if (cmp > 0) break;
  }
  return std::optional<BlobLocation>();
}

Status SegmentReader::ForEach(const std::function<Status(const IndexEntry&)>& fn) const {
  for (uint64_t i = 0; i < count_; i += kStreamBatch) {
    uint64_t n = std::min(kStreamBatch, count_ - i);
    ARBOR_ASSIGN_OR_RETURN(std::string batch, ReadRecords(i, n));
    for (uint64_t j = 0; j < n; ++j) {
      ARBOR_ASSIGN_OR_RETURN(IndexEntry e,
                             DecodeRecord(std::string_view(batch).substr(j * record_size_, record_size_)));
      ARBOR_RETURN_IF_ERROR(fn(e));
    }
  }
  return Status::Ok();
}

}  // namespace arbor
