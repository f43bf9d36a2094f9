#include "job_handlers/share_reader.h"

#include "azure/credentials.h"
#include "archiver/azure_backup.h"
#include "job_handlers/share_location.h"
#include "shares/azure_files_source.h"
#include "shares/posix_source.h"

namespace arbor::job_handlers {
namespace {

class PosixShareReader final : public ShareReader {
 public:
  PosixShareReader(std::string root, std::string host) : root_(std::move(root)), host_(std::move(host)) {}

  std::vector<std::string> Paths() const override { return {root_}; }
  std::string Hostname() const override { return host_; }
  Source& source() override { return source_; }
  Result<BackupResult> Backup(Repository& repo, BackupOptions options) override {
    if (options.paths.empty() && options.shallow_paths.empty()) options.paths = Paths();
    options.hostname = host_;
    return RunBackup(repo, source_, options);
  }

 private:
  const std::string root_;
  const std::string host_;
  PosixSource source_;
};

Result<std::unique_ptr<ShareReader>> OpenPosix(const catalog::Share& share) {
  auto reader = std::make_unique<PosixShareReader>(share.location, share.name);
  auto root = reader->source().Stat(share.location);
  if (!root.ok() || !root->IsDir()) {
    // Without this check the engine would write an empty snapshot that looks complete.
    return Status::NotFound("share " + share.name + ": " + share.location +
                            " is not a directory on this worker" +
                            (root.ok() ? std::string() : " (" + root.status().message() + ")"));
  }
  return std::unique_ptr<ShareReader>(std::move(reader));
}

// A whole share is backed up through a new share snapshot (archiver/azure_backup.h), so a
// job reads a frozen share and the next one diffs against it. A scan's parts read the
// share snapshot the scan took (`at`).
class AzureShareReader final : public ShareReader {
 public:
  AzureShareReader(std::unique_ptr<azure::FilesClient> client, AzureShareLocation location, std::string host,
                   std::string at)
      : client_(std::move(client)),
        location_(std::move(location)),
        host_(std::move(host)),
        at_(std::move(at)),
        source_(MakeSource()) {}

  std::vector<std::string> Paths() const override { return {"/" + location_.path}; }
  std::string Hostname() const override { return host_; }
  // The share snapshot given when opened, or else the live share.
  Source& source() override { return *source_; }

  Result<BackupResult> Backup(Repository& repo, BackupOptions options) override {
    options.hostname = host_;
    if (options.paths.empty() && options.shallow_paths.empty()) {
      AzureBackupOptions azure;
      azure.account = location_.account;
      azure.share = location_.share;
      azure.path = location_.path;
      ARBOR_ASSIGN_OR_RETURN(AzureBackupResult r, RunAzureBackup(repo, *client_, azure, std::move(options)));
      return std::move(r.backup);
    }
    // A part: units of the share, at the scan's point in time.
    if (at_.empty())
      return Status::InvalidArgument("a part of an Azure Files share needs the scan's share snapshot");
    options.source_snapshot = at_;
    if (options.threads <= 0) options.threads = kDefaultAzureThreads;
    if (options.tree_prefetch_threads < 0) options.tree_prefetch_threads = kDefaultAzureTreePrefetchThreads;
    return RunBackup(repo, *source_, options);
  }

  Result<std::string> TakeShareSnapshot(const std::string& repository_id) override {
    ARBOR_ASSIGN_OR_RETURN(auto session,
                           ShareSnapshotSession::Begin(client_.get(), location_.share,
                                                       ShareConsistency::kNewSnapshot, "", repository_id));
    session->Keep();  // the parts read it, the assemble records it
    at_ = session->snapshot();
    source_ = MakeSource();
    return at_;
  }

  Status ReleaseShareSnapshot(const std::string& snapshot, const std::string& in_use) override {
    if (snapshot.empty() || snapshot == in_use) return Status::Ok();
    return DeleteArborShareSnapshot(client_.get(), location_.share, snapshot);
  }

  Status SweepShareSnapshots(Repository& repo) override {
    return arbor::SweepShareSnapshots(*client_, location_.share, repo, source_->Kind()).status();
  }

 private:
  std::unique_ptr<AzureFilesSource> MakeSource() {
    return std::make_unique<AzureFilesSource>(client_.get(), location_.account,
                                              azure::ShareRef{location_.share, at_});
  }

  std::unique_ptr<azure::FilesClient> client_;
  const AzureShareLocation location_;
  const std::string host_;
  std::string at_;  // the share snapshot read ("": the live share)
  std::unique_ptr<AzureFilesSource> source_;
};

Result<std::unique_ptr<ShareReader>> OpenAzure(catalog::Catalog& catalog, const catalog::Principal& p,
                                               const catalog::Share& share, const std::string& at) {
  ARBOR_ASSIGN_OR_RETURN(AzureShareClient c, ConnectAzureShare(catalog, p, share));
  return std::unique_ptr<ShareReader>(
      std::make_unique<AzureShareReader>(std::move(c.client), std::move(c.location), share.name, at));
}

}  // namespace

Result<AzureShareClient> ConnectAzureShare(catalog::Catalog& catalog, const catalog::Principal& p,
                                           const catalog::Share& share) {
  if (share.kind != catalog::ShareKind::kAzureFiles)
    return Status::InvalidArgument("share " + share.name + " is not an Azure Files share");
  AzureShareClient c;
  ARBOR_ASSIGN_OR_RETURN(c.location, ParseAzureShareLocation(share.location));
  auto secret = catalog.shares().ResolveCredential(p, share.id);
  if (!secret.ok()) return secret.status().Annotate("share " + share.name);
  auto credentials = azure::CredentialsFromSecret(c.location.account, secret->reveal(), c.location.endpoint);
  if (!credentials.ok()) return credentials.status().Annotate("share " + share.name);
  ARBOR_ASSIGN_OR_RETURN(c.client, azure::FilesClient::Create(std::move(*credentials)));
  return c;
}

Result<std::unique_ptr<ShareReader>> OpenShareReader(catalog::Catalog& catalog, const catalog::Principal& p,
                                                     const catalog::Share& share,
                                                     const std::string& share_snapshot) {
  if (share.kind == catalog::ShareKind::kPosix) {
    if (!share_snapshot.empty())
      return Status::InvalidArgument("share " + share.name + " has no share snapshots");
    return OpenPosix(share);
  }
  return OpenAzure(catalog, p, share, share_snapshot);
}

}  // namespace arbor::job_handlers
