// Migrating snapshots into a repository whose blob ids differ from the source's: a
// version-1 (unencrypted, plain SHA-256 ids, public gear seed) repository into an
// encrypted one (keyed ids, secret gear seed), which `arbor copy --to` does when the
// target is encrypted and the source is not (docs/format/encryption.md, "Migrating").
//
// The stored blobs cannot be reused: every file's content is read, cut again with the
// target's chunker and stored under the target's ids; security descriptors are stored
// again; trees are rewritten bottom-up. A snapshot keeps its time, host, user, paths,
// tags and statistics; its parent is the migrated parent when that was migrated. Order
// of writes as for copy: data, trees, index (Flush), each snapshot object last, so a
// migration killed at any point leaves no snapshot naming a missing blob and can be run
// again (a snapshot already migrated, same time, host and paths, is skipped).
//
// Memory: one map entry per distinct tree and per distinct file content of the migrated
// snapshots. Thread safety: one migration at a time per pair of Repository objects.
#pragma once

#include <vector>

#include "base/status.h"
#include "maintenance/copy.h"
#include "repo/repository.h"

namespace arbor {

// True when `target` is encrypted and `source` is not: CopySnapshots refuses the pair and
// MigrateSnapshots is the way.
bool NeedsMigration(const Repository& source, const Repository& target);

// Migrates `snapshots` (oldest first) from `source` into `target`, taking a shared lock on
// each. InvalidArgument unless NeedsMigration(source, target). Corruption when a blob of
// the source fails its check, before any snapshot that needs it is written.
Result<CopyResult> MigrateSnapshots(Repository& source, Repository& target,
                                    const std::vector<Snapshot>& snapshots, const CopyOptions& options);

}  // namespace arbor
