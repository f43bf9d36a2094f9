// Backing up an Azure Files share: the share-snapshot lifecycle around RunBackup.
//
//   1. ShareSnapshotSession::Begin: checks the share, creates a share snapshot (or
//      takes the given one, or the live share);
//   2. RunBackup over an AzureFilesSource reading from it, recording the share
//      snapshot in the arbor snapshot (source_snapshot);
//   3. on success, keeps that share snapshot for the next backup's range diffs and
//      sweeps the share snapshots arbor made that no backup needs any more, whatever
//      the flags (shares/share_snapshot_sweep.h); on failure, deletes the new one.
// Errors from the service that would leave gaps (retries exhausted, malformed
// responses, authorization) stop the backup before any snapshot is written.
#pragma once

#include <chrono>
#include <string>

#include "archiver/backup.h"
#include "azure/files_client.h"
#include "shares/azure_files_source.h"
#include "shares/share_snapshot_session.h"
#include "shares/share_snapshot_sweep.h"

namespace arbor {

// I/O-bound: requests wait on the network, not on cores.
inline constexpr int kDefaultAzureThreads = 32;
// Parent trees loaded ahead of the walker, whose listings are read ahead too: without
// them a part of a split share waited for its units' trees one by one after its last
// listing (docs/benchmarks-azure.md).
inline constexpr int kDefaultAzureTreePrefetchThreads = 4;

struct AzureBackupOptions {
  std::string account;
  std::string share;
  std::string path;  // share-relative directory or file; "" for the whole share
  ShareConsistency consistency = ShareConsistency::kNewSnapshot;
  std::string snapshot;  // for kGivenSnapshot
  PrefetchOptions prefetch;
  // Share snapshots that no arbor snapshot records are swept only when older than this.
  std::chrono::seconds sweep_min_age = kShareSnapshotSweepMinAge;
  ReadAheadOptions read_ahead = {};  // new small files' reads in flight ahead of the workers
};

struct AzureBackupResult {
  BackupResult backup;
  std::string share_snapshot;  // what was read ("" when live)
  AzureSourceStats source;
};

// `options.paths` and `source_snapshot` are filled here; threads default to
// kDefaultAzureThreads, tree_prefetch_threads to kDefaultAzureTreePrefetchThreads.
Result<AzureBackupResult> RunAzureBackup(Repository& repo, azure::FilesClient& client,
                                         const AzureBackupOptions& azure_options, BackupOptions options);

}  // namespace arbor
