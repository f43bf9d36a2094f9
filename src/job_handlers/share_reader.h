// ShareReader: a share's source as the backup and scan handlers use it, whatever its
// kind. A POSIX share is a directory on the worker's host; an Azure Files share is read
// over REST with the share's credential (resolved from the catalog, never logged): an
// account key, a SAS token or a connection string. A whole Azure share is backed up
// through a new share snapshot (archiver/azure_backup.h); the parts of a scan all read the
// one share snapshot the scan took (TakeShareSnapshot), so together they are one point
// in time.
//
// Thread safety: as the Source it wraps. Lives for one job attempt.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "archiver/backup.h"
#include "azure/files_client.h"
#include "base/status.h"
#include "catalog/catalog.h"
#include "job_handlers/share_location.h"
#include "shares/source.h"

namespace arbor::job_handlers {

class ShareReader {
 public:
  virtual ~ShareReader() = default;
  // The source paths that make up the whole share: {"/srv/data"} for a POSIX share.
  virtual std::vector<std::string> Paths() const = 0;
  // The host name its snapshots carry: the share's name, so that whichever worker backs
  // it up finds the previous snapshot as its parent.
  virtual std::string Hostname() const = 0;
  // For listing (the scan); Backup() brings its own view of the source.
  virtual Source& source() = 0;
  // Backs up options.paths and options.shallow_paths (both empty: Paths()) into `repo`,
  // with Hostname().
  virtual Result<BackupResult> Backup(Repository& repo, BackupOptions options) = 0;

  // A point in time for the parts of a scan to read: an Azure share snapshot (marked as
  // arbor's and made for repository `repository_id`, kept until released or swept), which
  // this reader reads from then on; "" for a POSIX share, which has none.
  virtual Result<std::string> TakeShareSnapshot(const std::string& repository_id) {
    (void)repository_id;
    return std::string();
  }
  // Deletes `snapshot` when arbor created it and it is not `in_use` (what the newest
  // snapshot of the share reads); a no-op for POSIX shares.
  virtual Status ReleaseShareSnapshot(const std::string& snapshot, const std::string& in_use) {
    (void)snapshot;
    (void)in_use;
    return Status::Ok();
  }
  // Deletes the share snapshots arbor made for `repo` that no snapshot of it needs any
  // more (shares/share_snapshot_sweep.h); a no-op for POSIX shares. Errors are for a
  // warning: the snapshot just saved stands.
  virtual Status SweepShareSnapshots(Repository& repo) {
    (void)repo;
    return Status::Ok();
  }
};

// An Azure Files share's client, connected with the share's credential from the catalog
// (never logged), and where the share's location points. InvalidArgument for a POSIX
// share.
struct AzureShareClient {
  std::unique_ptr<azure::FilesClient> client;
  AzureShareLocation location;
};
Result<AzureShareClient> ConnectAzureShare(catalog::Catalog& catalog, const catalog::Principal& p,
                                           const catalog::Share& share);

// NotFound (a permanent failure) when a POSIX share's directory does not exist on this
// worker; PermissionDenied / InvalidArgument for credentials that cannot be used.
// `share_snapshot` (Azure only): read that share snapshot, not the live share.
Result<std::unique_ptr<ShareReader>> OpenShareReader(catalog::Catalog& catalog, const catalog::Principal& p,
                                                     const catalog::Share& share,
                                                     const std::string& share_snapshot = {});

}  // namespace arbor::job_handlers
