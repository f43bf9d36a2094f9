// BlobIndex: where every blob of one repository lives, and which blobs this process
// is adding. Committed knowledge is the set of index segments in the store (read
// through SegmentReaders, never loaded whole); session knowledge is held in RAM only
// until it is written out as a new segment.
//
// Crash-safety rule kept here: a segment never names a tree blob unless every blob
// that tree references is named by the same or an earlier segment. Data records are
// therefore checkpointed whenever enough accumulate (they reference nothing), tree
// records only at Flush(), which the repository calls after all data packs are in
// the store. A backup killed midway leaves reusable data and no dangling trees.
//
// Thread safety: all methods may be called concurrently.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "repo/damage.h"
#include "repo/index_segment.h"

namespace arbor {

class BlobIndex {
 public:
  // Opens every segment under the repository prefix. A segment that fails its checks
  // does not stop the load: it is listed in damaged_segments(), and the packs that no
  // intact segment names are indexed from their own trailers, in memory, so that every
  // blob stays findable until `arbor repair index` rewrites the index.
  // `cipher`: the namespace is encrypted (version-2 segments and packs); it must outlive
  // the index. `previous`: an index of the same repository loaded before (taking a lock
  // re-reads the index the open just read); the segments of it that are still listed are
  // taken from it rather than read and checked again, which is sound because a segment
  // is named by the hash of its bytes. `previous` must not be used afterwards.
  static Result<std::unique_ptr<BlobIndex>> Load(ObjectStore* store, std::string prefix,
                                                 const ObjectCipher* cipher = nullptr,
                                                 BlobIndex* previous = nullptr);

  const std::vector<DamagedObject>& damaged_segments() const { return damaged_; }
  // Packs read to stand in for damaged segments at Load.
  uint64_t recovered_packs() const { return recovered_packs_; }

  // Committed or written in this session (not merely reserved).
  Result<std::optional<BlobLocation>> Find(const Digest& id) const;

  // Reserves `id` for storing. True: the caller must store it (and later either the
  // pack is added with AddPack or Release is called). False: it already exists or
  // another thread is storing it.
  Result<bool> Reserve(const Digest& id);
  void Release(const Digest& id);
  // Records that a pack holding these blobs is now in the store. May write a data
  // checkpoint segment.
  Status AddPack(const FinishedPack& pack);
  // Writes every pending record (data and trees) as one new segment.
  Status Flush();

  // Replaces every segment by new ones holding exactly `entries` (prune, repair). Writes
  // the new segments first and then deletes every other segment in the store (damaged
  // ones included), so a crash in between leaves duplicates, never a gap.
  // REQUIRES: an exclusive repository lock.
  Status ReplaceAll(std::vector<IndexEntry> entries);

  // Every committed entry (segments only), segment by segment; an id may appear
  // more than once when concurrent backups stored the same blob.
  Status ForEach(const std::function<Status(const std::string& segment_key, const IndexEntry&)>& fn) const;
  std::vector<std::string> SegmentKeys() const;
  uint64_t SegmentRecordCount() const;
  size_t MemoryBytes() const;

  // Pending data records beyond which AddPack writes a checkpoint segment.
  static constexpr size_t kCheckpointRecords = 100000;
  // Largest segment ReplaceAll writes (52 MB of records).
  static constexpr size_t kMaxSegmentRecords = 1000000;

 private:
  BlobIndex(ObjectStore* store, std::string prefix, const ObjectCipher* cipher)
      : store_(store), prefix_(std::move(prefix)), cipher_(cipher) {}
  // Indexes, in one resident segment, the packs no loaded segment names. Damaged packs
  // are left out (repair salvages them).
  Status RecoverUnnamedPacks();
  Result<std::optional<BlobLocation>> FindInSegments(const Digest& id) const;
  // Writes `entries` as a segment and starts reading from it. REQUIRES: write_mu_.
  Status WriteSegment(std::vector<IndexEntry> entries);

  ObjectStore* const store_;
  const std::string prefix_;
  const ObjectCipher* const cipher_;    // null: version 1
  std::vector<DamagedObject> damaged_;  // set by Load, cleared by ReplaceAll (exclusive lock)
  uint64_t recovered_packs_ = 0;        // fixed after Load

  mutable std::shared_mutex segments_mu_;
  std::vector<std::unique_ptr<SegmentReader>> segments_;  // guarded by segments_mu_

  mutable std::mutex session_mu_;
  std::unordered_set<Digest, DigestHash> reserved_;               // being stored now
  std::unordered_map<Digest, BlobLocation, DigestHash> pending_;  // in the store, not yet indexed
  size_t pending_data_ = 0;

  std::mutex write_mu_;  // one segment write at a time
};

}  // namespace arbor
