#include "repo/index_segment.h"

#include <algorithm>
#include <cstring>
#include <map>

#include "base/coding.h"

namespace arbor {
namespace {

constexpr size_t kFixedHeader = format::kHeaderSize + 4 + 4 + 8;
constexpr uint64_t kStreamBatch = 65536;  // records per ranged read when streaming

void EncodeRecord(const Digest& id, uint32_t pack_ordinal, const BlobLocation& loc, std::string* out) {
  out->append(id.view());
  PutFixed32(out, pack_ordinal);
  PutFixed32(out, loc.offset);
  PutFixed32(out, loc.length);
  PutFixed32(out, loc.raw_length);
  out->push_back(static_cast<char>(loc.type));
  out->append(3, '\0');
}

}  // namespace

std::string EncodeIndexSegment(std::vector<IndexEntry> entries) {
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  entries.erase(
      std::unique(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.id == b.id; }),
      entries.end());
  std::map<Digest, uint32_t> ordinals;
  std::vector<Digest> packs;
  for (const auto& e : entries) {
    if (ordinals.emplace(e.location.pack, static_cast<uint32_t>(packs.size())).second) {
      packs.push_back(e.location.pack);
    }
  }
  std::string out = format::Header(format::kIndexMagic, format::kIndexVersion);
  out.reserve(kFixedHeader + packs.size() * 32 + entries.size() * format::kIndexRecordSize);
  PutFixed32(&out, static_cast<uint32_t>(format::kIndexRecordSize));
  PutFixed32(&out, static_cast<uint32_t>(packs.size()));
  PutFixed64(&out, entries.size());
  for (const auto& p : packs) out.append(p.view());
  for (const auto& e : entries) EncodeRecord(e.id, ordinals[e.location.pack], e.location, &out);
  return out;
}

SegmentReader::SegmentReader(ObjectStore* store, std::string key) : store_(store), key_(std::move(key)) {}

size_t SegmentReader::MemoryBytes() const {
  return sizeof(*this) + resident_.capacity() + packs_.capacity() * sizeof(Digest) + fences_.capacity() * 8 +
         (bloom_ ? bloom_->MemoryBytes() : 0);
}

Status SegmentReader::ParseHeader(std::string_view head, uint64_t object_size) {
  ARBOR_ASSIGN_OR_RETURN(std::string_view rest, format::CheckHeader(head, format::kIndexMagic,
                                                                    format::kIndexVersion, "index " + key_));
  uint32_t record_size = 0, pack_count = 0;
  if (!GetFixed32(&rest, &record_size) || !GetFixed32(&rest, &pack_count) || !GetFixed64(&rest, &count_) ||
      record_size != format::kIndexRecordSize) {
    return Status::Corruption("index " + key_ + " has a damaged header");
  }
  records_offset_ = kFixedHeader + static_cast<uint64_t>(pack_count) * 32;
  if (object_size != records_offset_ + count_ * format::kIndexRecordSize) {
    return Status::Corruption("index " + key_ + " has the wrong size (truncated?)");
  }
  if (rest.size() < static_cast<size_t>(pack_count) * 32) return Status::Corruption("index header cut short");
  packs_.reserve(pack_count);
  for (uint32_t i = 0; i < pack_count; ++i) packs_.push_back(Digest::FromBytes(rest.substr(i * 32, 32)));
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

Result<std::unique_ptr<SegmentReader>> SegmentReader::Open(ObjectStore* store, const std::string& key) {
  std::unique_ptr<SegmentReader> r(new SegmentReader(store, key));
  ARBOR_ASSIGN_OR_RETURN(ObjectInfo info, store->Stat(key));
  ARBOR_ASSIGN_OR_RETURN(std::string head, store->Get(key, 0, kFixedHeader));
  std::string_view probe = head;
  if (probe.size() == kFixedHeader) {
    uint32_t pack_count = DecodeFixed32(head.data() + format::kHeaderSize + 4);
    ARBOR_ASSIGN_OR_RETURN(head, store->Get(key, 0, kFixedHeader + static_cast<uint64_t>(pack_count) * 32));
  }
  ARBOR_RETURN_IF_ERROR(r->ParseHeader(head, info.size));
  Sha256 hash;
  hash.Update(head);
  r->bloom_ = std::make_unique<BloomFilter>(r->count_);
  r->fences_.reserve(r->count_ / kFenceStride + 1);
  for (uint64_t i = 0; i < r->count_; i += kStreamBatch) {
    uint64_t n = std::min(kStreamBatch, r->count_ - i);
    ARBOR_ASSIGN_OR_RETURN(
        std::string batch,
        store->Get(key, r->records_offset_ + i * format::kIndexRecordSize, n * format::kIndexRecordSize));
    if (batch.size() != n * format::kIndexRecordSize)
      return Status::Corruption("index " + key + " is truncated");
    hash.Update(batch);
    for (uint64_t j = 0; j < n; ++j) {
      r->AddRecordToFilters(i + j, std::string_view(batch).substr(j * format::kIndexRecordSize, 32));
    }
  }
  Digest expected;
  if (format::IdFromKey(key, &expected) && hash.Finish() != expected) {
    return Status::Corruption("index " + key + " does not match its checksum");
  }
  return r;
}

std::unique_ptr<SegmentReader> SegmentReader::FromEntries(ObjectStore* store, const std::string& key,
                                                          std::string_view encoded) {
  std::unique_ptr<SegmentReader> r(new SegmentReader(store, key));
  Status st = r->ParseHeader(encoded.substr(0, encoded.size()), encoded.size());
  (void)st;  // we just encoded it
  r->bloom_ = std::make_unique<BloomFilter>(r->count_);
  for (uint64_t i = 0; i < r->count_; ++i) {
    r->AddRecordToFilters(i, encoded.substr(r->records_offset_ + i * format::kIndexRecordSize, 32));
  }
  return r;
}

std::unique_ptr<SegmentReader> SegmentReader::Resident(std::string label, std::string encoded) {
  auto r = FromEntries(nullptr, label, encoded);
  r->resident_ = std::move(encoded);
  return r;
}

Result<std::string> SegmentReader::ReadRecords(uint64_t first, uint64_t n) const {
  uint64_t offset = records_offset_ + first * format::kIndexRecordSize;
  uint64_t length = n * format::kIndexRecordSize;
  std::string records;
  if (!resident_.empty()) {
    records = resident_.substr(std::min<uint64_t>(offset, resident_.size()), length);
  } else {
    ARBOR_ASSIGN_OR_RETURN(records, store_->Get(key_, offset, length));
  }
  if (records.size() != length) return Status::Corruption("index " + key_ + " is truncated");
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
    std::string_view r =
        std::string_view(records).substr(j * format::kIndexRecordSize, format::kIndexRecordSize);
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
      ARBOR_ASSIGN_OR_RETURN(IndexEntry e, DecodeRecord(std::string_view(batch).substr(
                                               j * format::kIndexRecordSize, format::kIndexRecordSize)));
      ARBOR_RETURN_IF_ERROR(fn(e));
    }
  }
  return Status::Ok();
}

}  // namespace arbor
