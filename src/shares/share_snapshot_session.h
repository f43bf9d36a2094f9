// ShareSnapshotSession: the share snapshot one backup of an Azure Files share reads
// from, and its lifetime.
//
// By default a backup creates a share snapshot, reads everything from it (a
// consistent point in time) and records its id in the arbor snapshot. That share
// snapshot is kept after the backup succeeds: the next backup diffs large files
// against it (List Ranges with prevsharesnapshot). Those no longer needed are deleted
// after a successful backup by SweepShareSnapshots (share_snapshot_sweep.h). A backup
// that fails deletes the share snapshot it created, so failures leave nothing behind.
//
// Only share snapshots that arbor created are ever deleted: they carry the metadata
// arbor=backup (and arborrepo=<repository id>), and a snapshot given with --snapshot, or
// one without that mark, is left alone.
//
// Thread safety: none; owned by the code that runs one backup.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "azure/files_client.h"
#include "base/status.h"

namespace arbor {

enum class ShareConsistency {
  kNewSnapshot,    // create a share snapshot and read from it (default)
  kGivenSnapshot,  // read from an existing share snapshot (--snapshot ID)
  kLive,           // read the live share (--live): no point-in-time consistency
};

inline constexpr char kArborSnapshotMetaKey[] = "arbor";
inline constexpr char kArborSnapshotMetaValue[] = "backup";
// The repository (RepoConfig::id) whose backup made the share snapshot: another
// repository backing up the same share never deletes it.
inline constexpr char kArborRepositoryMetaKey[] = "arborrepo";

// The metadata arbor puts on the share snapshots it creates for `repository_id`.
azure::Metadata ArborShareSnapshotMark(std::string_view repository_id);

// Deletes share snapshot `snapshot` of `share` when arbor created it (its metadata says
// so); leaves any other alone. A snapshot already gone is not an error.
Status DeleteArborShareSnapshot(azure::FilesClient* client, const std::string& share,
                                const std::string& snapshot);

class ShareSnapshotSession {
 public:
  // Checks that the share (and the given snapshot) exist, then creates the snapshot
  // for kNewSnapshot, marked as made for `repository_id`. NotFound / PermissionDenied
  // with a clear message otherwise.
  static Result<std::unique_ptr<ShareSnapshotSession>> Begin(azure::FilesClient* client, std::string share,
                                                             ShareConsistency mode,
                                                             std::string given_snapshot,
                                                             std::string_view repository_id);
  // Deletes the share snapshot this session created unless Keep() ran.
  ~ShareSnapshotSession();
  ShareSnapshotSession(const ShareSnapshotSession&) = delete;
  ShareSnapshotSession& operator=(const ShareSnapshotSession&) = delete;

  // What to read from.
  const azure::ShareRef& ref() const { return ref_; }
  // The id to record in the arbor snapshot ("" for a live backup).
  const std::string& snapshot() const { return ref_.snapshot; }
  bool created() const { return created_; }

  // The backup succeeded (or a scan hands the snapshot to its parts): the share
  // snapshot outlives this session.
  void Keep() { kept_ = true; }

 private:
  ShareSnapshotSession(azure::FilesClient* client, azure::ShareRef ref, bool created)
      : client_(client), ref_(std::move(ref)), created_(created) {}
  azure::FilesClient* const client_;
  const azure::ShareRef ref_;
  const bool created_;
  bool kept_ = false;
};

}  // namespace arbor
