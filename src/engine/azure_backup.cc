#include "engine/azure_backup.h"

namespace arbor {
namespace {

// The share snapshot the parent backup read from, to delete once this one succeeded.
std::string ParentShareSnapshot(Repository& repo, const Snapshot& snap) {
  if (!snap.parent) return "";
  auto parent = repo.FindSnapshot(snap.parent->Hex());
  return parent.ok() ? parent->source_snapshot : "";
}

}  // namespace

Result<AzureBackupResult> RunAzureBackup(Repository& repo, azure::FilesClient& client,
                                         const AzureBackupOptions& azure_options, BackupOptions options) {
  ARBOR_ASSIGN_OR_RETURN(auto session,
                         ShareSnapshotSession::Begin(&client, azure_options.share, azure_options.consistency,
                                                     azure_options.snapshot));
  AzureFilesSource source(&client, azure_options.account, session->ref(), azure_options.prefetch);
  std::string path = "/" + azure_options.path;
  if (!azure_options.path.empty()) {
    // A missing path is an error, not a snapshot of nothing.
    ARBOR_RETURN_IF_ERROR(source.Stat(path).status());
  }
  options.paths = {path};
  options.source_snapshot = session->snapshot();
  if (options.threads <= 0) options.threads = kDefaultAzureThreads;
  ARBOR_ASSIGN_OR_RETURN(BackupResult backup, RunBackup(repo, source, options));
  Status kept = session->Commit(ParentShareSnapshot(repo, backup.snapshot));
  if (!kept.ok())
    backup.warnings.push_back("removing the previous backup's share snapshot: " + kept.message());
  AzureBackupResult result{std::move(backup), session->snapshot(), source.stats()};
  return result;
}

}  // namespace arbor
