#include "maintenance/repo_stats.h"

#include <unordered_set>

#include "maintenance/referenced_blobs.h"
#include "repo/format.h"

namespace arbor {

Result<RepoStats> ComputeRepoStats(Repository& repo) {
  RepoStats s;
  ARBOR_ASSIGN_OR_RETURN(auto snapshots, repo.ListSnapshots());
  s.snapshots = snapshots.size();
  for (const auto& snap : snapshots) s.logical_bytes += snap.stats.bytes_total;
  ARBOR_RETURN_IF_ERROR(repo.store()->List(format::PacksDir(repo.prefix()), [&](const ObjectInfo& info) {
    s.packs++;
    s.pack_bytes += info.size;
    return Status::Ok();
  }));
  std::unordered_set<Digest, DigestHash> seen;
  ARBOR_RETURN_IF_ERROR(repo.index().ForEach([&](const std::string&, const IndexEntry& e) {
    if (!seen.insert(e.id).second) return Status::Ok();
    s.blobs++;
    (e.location.type == format::BlobType::kTree ? s.tree_blobs : s.data_blobs)++;
    s.raw_bytes += e.location.raw_length;
    s.stored_bytes += e.location.length;
    return Status::Ok();
  }));
  s.index_segments = repo.index().SegmentKeys().size();
  s.index_ram_bytes = repo.index().MemoryBytes();
  return s;
}

Result<SnapshotSetStats> ComputeSnapshotSetStats(Repository& repo, const std::vector<Snapshot>& snapshots,
                                                 StatsMode mode) {
  SnapshotSetStats s;
  s.snapshots = snapshots.size();
  if (mode == StatsMode::kRestoreSize) {
    for (const auto& snap : snapshots) {
      s.files += snap.stats.files_total;
      s.bytes += snap.stats.bytes_total;
    }
    return s;
  }
  BlobSet used;
  Digest unreadable;
  for (const auto& snap : snapshots) {
    Status st = CollectReferencedBlobs(repo, snap.tree, &used, &unreadable);
    if (!st.ok())
      return st.Annotate("reading directory object " + unreadable.Hex().substr(0, 8) + " of snapshot " +
                         snap.id.Hex().substr(0, 8));
  }
  BlobSet counted;  // an id indexed twice counts once
  ARBOR_RETURN_IF_ERROR(repo.index().ForEach([&](const std::string&, const IndexEntry& e) {
    if (!used.contains(e.id) || !counted.insert(e.id).second) return Status::Ok();
    s.blobs++;
    s.bytes += e.location.raw_length;
    s.stored_bytes += e.location.length;
    return Status::Ok();
  }));
  return s;
}

}  // namespace arbor
