// SnapshotMemo: the snapshot objects a process has read, decoded, by repository and name,
// so that listing a repository's snapshots again reads only the objects that are new.
//
// Why: a job settles its tag (job_handlers/job_snapshots.h) and finds its parent by
// listing every snapshot of the share's repository, and a scan's parts each write one:
// every part of a scan read every snapshot file three times, a cost that grew with the
// parts (docs/benchmarks-azure.md). A worker runs its jobs in one process, so what an
// earlier job (or the same job a moment ago) read is still here.
//
// Sound because a snapshot object is named by the SHA-256 of its bytes: the same name in
// the same repository always decodes to the same snapshot. A snapshot deleted since is
// not listed, and forgotten here. Damage that appears in an object after it was read is
// not seen through the memo: verify, prune and repair read every object (they list with
// Repository::ListSnapshots(&damaged), which bypasses it).
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "repo/snapshot.h"

namespace arbor {

class SnapshotMemo {
 public:
  // The one for this process.
  static SnapshotMemo& Process();

  // Reads snapshot `id`: the snapshot, nullopt to skip it (damaged or gone), or an error.
  using Reader = std::function<Result<std::optional<Snapshot>>(const Digest& id)>;

  // The snapshots named `ids` in repository `repo` (any string that tells repositories
  // apart): memoized ones as read before, the others from `read`, in the order of `ids`
  // without the skipped ones. Forgets `repo`'s snapshots that are not in `ids`. `*reads`
  // (when given) counts the calls to `read`.
  Result<std::vector<Snapshot>> Resolve(const std::string& repo, const std::vector<Digest>& ids,
                                        const Reader& read, uint64_t* reads = nullptr);

 private:
  std::mutex mu_;
  std::unordered_map<std::string, std::map<Digest, Snapshot>> repos_;  // guarded by mu_
};

}  // namespace arbor
