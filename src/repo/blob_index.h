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
// Folding (docs/format/repository.md, "Folded segments"): a process that writes many small
// segments (the RESP server writes one per group commit) would make every lookup probe
// them all. So after each segment it writes, the index folds: segments are put in tiers
// by record count (tier t: 8^t <= records < 8^(t+1)); when a tier holds kFoldFanIn
// segments, their records are written as one segment that names them, and the index
// stops reading them. A process folds only the segments it wrote itself: several
// processes may write into one repository at once (workers, each under a shared lock),
// and two of them folding the same segments would each write a fold holding those
// records, both read from then on (every record twice). What another process (or an
// earlier run) left unfolded stays as it is until prune or `repair index`. The folded
// segments stay in the store (a process holding only a shared lock may be reading them)
// until prune or `repair index` replaces the index under the exclusive lock; Load skips
// every segment an intact fold names. A crash during a fold leaves the old segments,
// which still name every blob.
//
// Thread safety: all methods may be called concurrently.
#pragma once

#include <atomic>
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
  // The segments read (folded ones not included).
  std::vector<std::string> SegmentKeys() const;
  uint64_t SegmentRecordCount() const;
  size_t MemoryBytes() const;
  // Segments probed (Bloom filter asked) by Find and Reserve since Load, over all calls.
  uint64_t segment_probes() const { return segment_probes_.load(std::memory_order_relaxed); }
  // Folds written since Load, and the segments loaded but skipped because a fold names them.
  uint64_t folds() const { return folds_.load(std::memory_order_relaxed); }
  size_t superseded_skipped() const { return superseded_skipped_; }

  // Pending data records beyond which AddPack writes a checkpoint segment.
  static constexpr size_t kCheckpointRecords = 100000;
  // Largest segment ReplaceAll writes (49 MB of records).
  static constexpr size_t kMaxSegmentRecords = 1000000;
  // Segments of one tier folded together.
  static constexpr size_t kFoldFanIn = 8;
  // Segments of this many records or more are never folded: a local backup's checkpoints
  // (kCheckpointRecords each) would cost it a rewrite of its index for little, and a fold
  // holds its records in RAM (at most kFoldFanIn x this many, ~80 bytes each).
  static constexpr uint64_t kFoldMaxInputRecords = kCheckpointRecords;
  // Folds one segment write may trigger (the rest wait for the next write): a bound on
  // the cascade one group commit pays for (each fold can fill the next tier).
  static constexpr int kMaxFoldsPerWrite = 8;

 private:
  BlobIndex(ObjectStore* store, std::string prefix, const ObjectCipher* cipher)
      : store_(store), prefix_(std::move(prefix)), cipher_(cipher) {}
  // Indexes, in one resident segment, the packs no loaded segment names. Damaged packs
  // are left out (repair salvages them).
  Status RecoverUnnamedPacks();
  Result<std::optional<BlobLocation>> FindInSegments(const Digest& id) const;
  // Writes `entries` as a segment and starts reading from it, then folds while a tier is
  // full. REQUIRES: write_mu_.
  Status WriteSegment(std::vector<IndexEntry> entries);
  // FoldOnce up to kMaxFoldsPerWrite times. REQUIRES: write_mu_.
  Status FoldWhileFull();
  // Folds kFoldFanIn segments of the lowest full tier; false when no tier is
  // full. REQUIRES: write_mu_.
  Result<bool> FoldOnce();

  ObjectStore* const store_;
  const std::string prefix_;
  const ObjectCipher* const cipher_;    // null: version 1
  std::vector<DamagedObject> damaged_;  // set by Load, cleared by ReplaceAll (exclusive lock)
  uint64_t recovered_packs_ = 0;        // fixed after Load

  mutable std::shared_mutex segments_mu_;
  std::vector<std::unique_ptr<SegmentReader>> segments_;  // guarded by segments_mu_
  // The segments of segments_ this index wrote (and may fold); guarded by segments_mu_.
  std::unordered_set<const SegmentReader*> written_;

  mutable std::mutex session_mu_;
  std::unordered_set<Digest, DigestHash> reserved_;               // being stored now
  std::unordered_map<Digest, BlobLocation, DigestHash> pending_;  // in the store, not yet indexed
  size_t pending_data_ = 0;

  std::mutex write_mu_;  // one segment write at a time

  mutable std::atomic<uint64_t> segment_probes_{0};
  std::atomic<uint64_t> folds_{0};
  size_t superseded_skipped_ = 0;  // fixed after Load
};

}  // namespace arbor
