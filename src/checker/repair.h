// Repair: brings a damaged repository back to one that verifies, losing no more than
// the damage already lost (restic's `repair index` / `repair snapshots`).
//
// RepairIndex rewrites the blob index from the packs themselves: entries of intact
// segments are kept for packs that exist, packs no entry names are read (their
// trailer lists their blobs), and with read_all_packs every pack is read and checked.
// From a pack that fails its checksum, every blob that still hashes to its id is
// copied into a new pack; the damaged pack is left unindexed (prune deletes it). The
// old segments, damaged ones included, are deleted after the new index is written.
//
// RepairSnapshots rewrites each snapshot that references what the repository lacks:
// files with a blob that is not indexed in an existing pack are left out, directories
// whose object cannot be read become empty; the new snapshot is tagged "repaired" and
// "repaired-from:<id>". The originals, and snapshot objects that cannot be read at all,
// are deleted only with `forget`.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "repo/repository.h"

namespace arbor {

struct RepairIndexOptions {
  bool read_all_packs = false;
};

struct RepairIndexResult {
  uint64_t packs = 0;                // in the store
  uint64_t packs_read = 0;           // read because no intact segment named them (or all)
  uint64_t packs_damaged = 0;        // failed their checksum; salvaged and left unindexed
  uint64_t blobs_indexed = 0;        // entries of the new index
  uint64_t blobs_salvaged = 0;       // copied out of damaged packs
  uint64_t entries_dropped = 0;      // old entries naming packs that no longer exist
  uint64_t segments_replaced = 0;
};

Result<RepairIndexResult> RepairIndex(Repository& repo, const RepairIndexOptions& options);

struct RepairSnapshotsOptions {
  bool forget = false;   // delete the originals and unreadable snapshot objects
  bool dry_run = false;  // report only
};

struct RepairedSnapshot {
  Digest original;
  Digest repaired;                    // zero in a dry run
  std::vector<std::string> removed;   // paths left out ("/src/a.txt", "/src/dir/ (emptied)")
};

struct RepairSnapshotsResult {
  uint64_t snapshots = 0;  // readable ones examined
  std::vector<RepairedSnapshot> repaired;
  std::vector<DamagedObject> unreadable;  // snapshot objects (deleted when forget)
};

Result<RepairSnapshotsResult> RepairSnapshots(Repository& repo, const RepairSnapshotsOptions& options);

}  // namespace arbor
