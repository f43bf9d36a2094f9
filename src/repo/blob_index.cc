#include "repo/blob_index.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>

namespace arbor {
namespace {

std::vector<Digest> IdsOf(const std::vector<IndexEntry>& entries) {
  std::vector<Digest> ids;
  ids.reserve(entries.size());
  for (const auto& e : entries) ids.push_back(e.id);
  return ids;
}

// Tier t holds the segments of 8^t to 8^(t+1) - 1 records.
int TierOf(uint64_t records) {
  int tier = 0;
  for (; records >= BlobIndex::kFoldFanIn; records /= BlobIndex::kFoldFanIn) ++tier;
  return tier;
}

}  // namespace

Result<std::unique_ptr<BlobIndex>> BlobIndex::Load(ObjectStore* store, std::string prefix,
                                                   const ObjectCipher* cipher, BlobIndex* previous) {
  std::unique_ptr<BlobIndex> index(new BlobIndex(store, std::move(prefix), cipher));
  std::vector<ObjectInfo> listed;
  ARBOR_RETURN_IF_ERROR(store->List(format::IndexDir(index->prefix_), [&](const ObjectInfo& info) {
    listed.push_back(info);
    return Status::Ok();
  }));
  // The segments an intact fold names are not read: their records are in the fold.
  std::unordered_set<std::string> superseded;
  auto add_superseded = [&](const SegmentReader& r) {
    for (const auto& id : r.superseded()) superseded.insert(format::IndexKey(index->prefix_, id));
  };
  // Segments `previous` read and checked, by key: taken over once nothing can fail any
  // more, so that a failed load leaves `previous` whole.
  std::unordered_map<std::string, size_t> known;
  std::unique_lock<std::shared_mutex> previous_lock;  // it is being replaced: its readers wait
  if (previous != nullptr) {
    std::unordered_set<std::string> still_listed;
    for (const auto& info : listed) still_listed.insert(info.key);
    previous_lock = std::unique_lock(previous->segments_mu_);
    for (size_t i = 0; i < previous->segments_.size(); ++i) {
      const SegmentReader& r = *previous->segments_[i];
      // A fold deleted since (prune) no longer stands for what it named.
      if (r.resident() || still_listed.count(r.key()) == 0) continue;
      known.emplace(r.key(), i);
      add_superseded(r);
    }
  }
  // Largest first: a fold is larger than every segment it names (it holds their records
  // and names them and theirs), so when a folded segment comes up its fold has been read.
  std::vector<size_t> order(listed.size());
  for (size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return listed[a].size > listed[b].size; });
  std::vector<std::unique_ptr<SegmentReader>> readers(listed.size());  // null: taken over or skipped
  std::vector<size_t> taken(listed.size(), SIZE_MAX);                  // index in previous->segments_
  for (size_t k : order) {
    const std::string& key = listed[k].key;
    if (superseded.count(key) != 0) {
      ++index->superseded_skipped_;
      continue;
    }
    if (auto it = known.find(key); it != known.end()) {
      taken[k] = it->second;
      continue;
    }
    auto reader = SegmentReader::Open(store, key, cipher);
    if (!reader.ok()) {
      // Deleted by a concurrent prune between List and Open: its content was merged
      // into a newer segment, which the listing also returned.
      if (reader.status().Is(StatusCode::kNotFound)) continue;
      if (!reader.status().Is(StatusCode::kCorruption)) return reader.status();
      index->damaged_.push_back({key, reader.status().message()});
      continue;
    }
    add_superseded(**reader);
    readers[k] = std::move(reader).value();
  }
  for (size_t k = 0; k < listed.size(); ++k) {  // in listing order, as without `previous`
    if (taken[k] != SIZE_MAX) {
      readers[k] = std::move(previous->segments_[taken[k]]);
      // Still this process's own: it may fold them.
      if (previous->written_.count(readers[k].get()) != 0) index->written_.insert(readers[k].get());
    }
    if (readers[k]) index->segments_.push_back(std::move(readers[k]));
  }
  if (previous != nullptr) std::erase(previous->segments_, nullptr);
  if (!index->damaged_.empty()) ARBOR_RETURN_IF_ERROR(index->RecoverUnnamedPacks());
  return index;
}

Status BlobIndex::RecoverUnnamedPacks() {
  std::unordered_set<Digest, DigestHash> named;
  for (const auto& s : segments_) named.insert(s->packs().begin(), s->packs().end());
  std::vector<std::string> unnamed;
  ARBOR_RETURN_IF_ERROR(store_->List(format::PacksDir(prefix_), [&](const ObjectInfo& info) {
    Digest id;
    if (format::IdFromKey(info.key, &id) && named.count(id) == 0) unnamed.push_back(info.key);
    return Status::Ok();
  }));
  std::vector<IndexEntry> entries;
  for (const auto& key : unnamed) {
    Digest id;
    (void)format::IdFromKey(key, &id);
    auto pack = store_->Get(key, 0, ObjectStore::kToEnd);
    if (!pack.ok() || Sha256Of(*pack) != id) continue;
    auto records = PackRecordsOf(*pack, cipher_);
    if (!records.ok()) continue;
    for (const auto& r : *records) entries.push_back({r.id, {r.type, id, r.offset, r.length, r.raw_length}});
    ++recovered_packs_;
  }
  if (entries.empty()) return Status::Ok();
  segments_.push_back(
      SegmentReader::Resident("recovered from packs", EncodeIndexSegment(std::move(entries))));
  return Status::Ok();
}

Result<std::optional<BlobLocation>> BlobIndex::FindInSegments(const Digest& id) const {
  std::shared_lock lock(segments_mu_);
  uint64_t probes = 0;
  // Newest first: recent backups are the likeliest to hold a repeated chunk.
  for (auto it = segments_.rbegin(); it != segments_.rend(); ++it) {
    ++probes;
    auto found = (*it)->Find(id);
    if (!found.ok() || *found) {
      segment_probes_.fetch_add(probes, std::memory_order_relaxed);
      return found;
    }
  }
  segment_probes_.fetch_add(probes, std::memory_order_relaxed);
  return std::optional<BlobLocation>();
}

Result<std::optional<BlobLocation>> BlobIndex::Find(const Digest& id) const {
  {
    std::lock_guard lock(session_mu_);
    auto it = pending_.find(id);
    if (it != pending_.end()) return std::optional<BlobLocation>(it->second);
  }
  return FindInSegments(id);
}

Result<bool> BlobIndex::Reserve(const Digest& id) {
  {
    std::lock_guard lock(session_mu_);
    if (reserved_.count(id) != 0 || pending_.count(id) != 0) return false;
  }
  ARBOR_ASSIGN_OR_RETURN(auto found, FindInSegments(id));
  if (found) return false;
  std::lock_guard lock(session_mu_);
  if (pending_.count(id) != 0) return false;
  return reserved_.insert(id).second;
}

void BlobIndex::Release(const Digest& id) {
  std::lock_guard lock(session_mu_);
  reserved_.erase(id);
}

Status BlobIndex::AddPack(const FinishedPack& pack) {
  bool checkpoint = false;
  {
    std::lock_guard lock(session_mu_);
    for (const auto& r : pack.records) {
      reserved_.erase(r.id);
      pending_[r.id] = BlobLocation{r.type, pack.id, r.offset, r.length, r.raw_length};
      if (r.type == format::BlobType::kData) ++pending_data_;
    }
    checkpoint = pending_data_ >= kCheckpointRecords;
  }
  if (!checkpoint) return Status::Ok();
  std::lock_guard write_lock(write_mu_);
  std::vector<IndexEntry> data;
  {
    std::lock_guard lock(session_mu_);
    for (const auto& [id, loc] : pending_) {
      if (loc.type == format::BlobType::kData) data.push_back({id, loc});
    }
  }
  if (data.empty()) return Status::Ok();
  // The segment takes the entries; only their ids are kept to drop them from pending_
  // after (a copy of every entry was 9 MB of the 1M backup's peak heap at 100k records).
  std::vector<Digest> ids = IdsOf(data);
  ARBOR_RETURN_IF_ERROR(WriteSegment(std::move(data)));
  std::lock_guard lock(session_mu_);
  for (const auto& id : ids) pending_.erase(id);
  pending_data_ -= std::min(pending_data_, ids.size());
  return Status::Ok();
}

Status BlobIndex::Flush() {
  std::lock_guard write_lock(write_mu_);
  std::vector<IndexEntry> all;
  {
    std::lock_guard lock(session_mu_);
    all.reserve(pending_.size());
    for (const auto& [id, loc] : pending_) all.push_back({id, loc});
  }
  if (all.empty()) return Status::Ok();
  std::vector<Digest> ids = IdsOf(all);
  ARBOR_RETURN_IF_ERROR(WriteSegment(std::move(all)));
  std::lock_guard lock(session_mu_);
  for (const auto& id : ids) pending_.erase(id);
  pending_data_ = 0;
  for (const auto& [id, loc] : pending_) pending_data_ += loc.type == format::BlobType::kData ? 1 : 0;
  return Status::Ok();
}

Status BlobIndex::FoldWhileFull() {
  for (int i = 0; i < kMaxFoldsPerWrite; ++i) {
    ARBOR_ASSIGN_OR_RETURN(bool folded, FoldOnce());
    if (!folded) break;
  }
  return Status::Ok();
}

Result<bool> BlobIndex::FoldOnce() {
  // Readers are removed only under write_mu_, which the caller holds: the pointers stay valid.
  std::vector<const SegmentReader*> inputs;
  {
    std::shared_lock lock(segments_mu_);
    std::map<int, std::vector<const SegmentReader*>> tiers;
    for (const auto& s : segments_) {
      // Only segments this index wrote: see kFoldsOwnSegmentsOnly in the header.
      if (written_.count(s.get()) != 0 && !s->resident() && s->record_count() < kFoldMaxInputRecords) {
        tiers[TierOf(s->record_count())].push_back(s.get());
      }
    }
    for (const auto& [tier, members] : tiers) {
      if (members.size() < kFoldFanIn) continue;
      inputs.assign(members.begin(), members.begin() + kFoldFanIn);
      break;
    }
  }
  if (inputs.empty()) return false;
  std::vector<IndexEntry> entries;
  std::vector<Digest> superseded;
  uint64_t records = 0;
  for (const auto* s : inputs) records += s->record_count();
  entries.reserve(records);
  for (const auto* s : inputs) {
    ARBOR_RETURN_IF_ERROR(s->ForEach([&](const IndexEntry& e) {
      entries.push_back(e);
      return Status::Ok();
    }));
    // The fold names what its inputs named too, so that Load skips a whole chain of folds
    // by reading only the last one.
    Digest id;
    if (format::IdFromKey(s->key(), &id)) superseded.push_back(id);
    superseded.insert(superseded.end(), s->superseded().begin(), s->superseded().end());
  }
  std::sort(superseded.begin(), superseded.end());
  superseded.erase(std::unique(superseded.begin(), superseded.end()), superseded.end());
  std::string encoded = EncodeIndexSegment(std::move(entries), cipher_, superseded);
  std::string key = format::IndexKey(prefix_, Sha256Of(encoded));
  ARBOR_RETURN_IF_ERROR(store_->Put(key, encoded));
  auto reader = SegmentReader::FromEntries(store_, key, encoded, cipher_);
  {
    std::unique_lock lock(segments_mu_);
    std::erase_if(segments_, [&](const std::unique_ptr<SegmentReader>& s) {
      return std::find(inputs.begin(), inputs.end(), s.get()) != inputs.end();
    });
    for (const auto* s : inputs) written_.erase(s);
    written_.insert(reader.get());
    segments_.push_back(std::move(reader));
  }
  folds_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

Status BlobIndex::WriteSegment(std::vector<IndexEntry> entries) {
  std::string encoded = EncodeIndexSegment(std::move(entries), cipher_);
  std::string key = format::IndexKey(prefix_, Sha256Of(encoded));
  ARBOR_RETURN_IF_ERROR(store_->Put(key, encoded));
  auto reader = SegmentReader::FromEntries(store_, key, encoded, cipher_);
  {
    std::unique_lock lock(segments_mu_);
    written_.insert(reader.get());
    segments_.push_back(std::move(reader));
  }
  // The records are in the store now; a failed fold loses none of them (its inputs stay),
  // and the caller, seeing the error, keeps them pending: written again, a duplicate.
  return FoldWhileFull();
}

Status BlobIndex::ReplaceAll(std::vector<IndexEntry> entries) {
  std::lock_guard write_lock(write_mu_);
  std::vector<std::unique_ptr<SegmentReader>> fresh;
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  for (size_t start = 0; start < entries.size(); start += kMaxSegmentRecords) {
    size_t end = std::min(entries.size(), start + kMaxSegmentRecords);
    std::string encoded = EncodeIndexSegment({entries.begin() + start, entries.begin() + end}, cipher_);
    std::string key = format::IndexKey(prefix_, Sha256Of(encoded));
    ARBOR_RETURN_IF_ERROR(store_->Put(key, encoded));
    fresh.push_back(SegmentReader::FromEntries(store_, key, encoded, cipher_));
  }
  std::unordered_set<std::string> new_keys;
  for (const auto& r : fresh) new_keys.insert(r->key());
  {
    std::unique_lock lock(segments_mu_);
    segments_ = std::move(fresh);
    written_.clear();  // prune's and repair's segments are not folded
  }
  std::vector<std::string> stale;
  ARBOR_RETURN_IF_ERROR(store_->List(format::IndexDir(prefix_), [&](const ObjectInfo& info) {
    if (new_keys.count(info.key) == 0) stale.push_back(info.key);
    return Status::Ok();
  }));
  for (const auto& key : stale) ARBOR_RETURN_IF_ERROR(store_->Delete(key));
  damaged_.clear();
  return Status::Ok();
}

Status BlobIndex::ForEach(const std::function<Status(const std::string&, const IndexEntry&)>& fn) const {
  std::shared_lock lock(segments_mu_);
  for (const auto& s : segments_) {
    ARBOR_RETURN_IF_ERROR(s->ForEach([&](const IndexEntry& e) { return fn(s->key(), e); }));
  }
  return Status::Ok();
}

std::vector<std::string> BlobIndex::SegmentKeys() const {
  std::shared_lock lock(segments_mu_);
  std::vector<std::string> keys;
  for (const auto& s : segments_) keys.push_back(s->key());
  return keys;
}

uint64_t BlobIndex::SegmentRecordCount() const {
  std::shared_lock lock(segments_mu_);
  uint64_t n = 0;
  for (const auto& s : segments_) n += s->record_count();
  return n;
}

size_t BlobIndex::MemoryBytes() const {
  std::shared_lock lock(segments_mu_);
  size_t n = 0;
  for (const auto& s : segments_) n += s->MemoryBytes();
  return n;
}

}  // namespace arbor
