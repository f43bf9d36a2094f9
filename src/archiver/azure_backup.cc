#include "archiver/azure_backup.h"

namespace arbor {

Result<AzureBackupResult> RunAzureBackup(Repository& repo, azure::FilesClient& client,
                                         const AzureBackupOptions& azure_options, BackupOptions options) {
  ARBOR_ASSIGN_OR_RETURN(auto session,
                         ShareSnapshotSession::Begin(&client, azure_options.share, azure_options.consistency,
                                                     azure_options.snapshot, repo.config().id));
  AzureFilesSource source(&client, azure_options.account, session->ref(), azure_options.prefetch,
                          azure_options.read_ahead);
  std::string path = "/" + azure_options.path;
  if (!azure_options.path.empty()) {
    // A missing path is an error, not a snapshot of nothing.
    ARBOR_RETURN_IF_ERROR(source.Stat(path).status());
  }
  options.paths = {path};
  options.source_snapshot = session->snapshot();
  if (options.threads <= 0) options.threads = kDefaultAzureThreads;
  if (options.tree_prefetch_threads < 0) options.tree_prefetch_threads = kDefaultAzureTreePrefetchThreads;
  ARBOR_ASSIGN_OR_RETURN(BackupResult backup, RunBackup(repo, source, options));
  session->Keep();
  auto swept =
      SweepShareSnapshots(client, azure_options.share, repo, source.Kind(), azure_options.sweep_min_age);
  if (!swept.ok())
    backup.warnings.push_back("removing share snapshots no longer needed: " + swept.status().message());
  AzureBackupResult result{std::move(backup), session->snapshot(), source.stats()};
  return result;
}

}  // namespace arbor
