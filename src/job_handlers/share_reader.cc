#include "job_handlers/share_reader.h"

#include "azure/credentials.h"
#include "engine/azure_backup.h"
#include "job_handlers/share_location.h"
#include "source/azure_files_source.h"
#include "source/posix_source.h"

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

// Whole-share backups through a new share snapshot (engine/azure_backup.h), so a job reads
// a frozen share and the next one diffs against it.
class AzureShareReader final : public ShareReader {
 public:
  AzureShareReader(std::unique_ptr<azure::FilesClient> client, AzureShareLocation location, std::string host)
      : client_(std::move(client)),
        location_(std::move(location)),
        host_(std::move(host)),
        live_(client_.get(), location_.account, azure::ShareRef{location_.share, ""}) {}

  std::vector<std::string> Paths() const override { return {"/" + location_.path}; }
  std::string Hostname() const override { return host_; }
  // The live share: listing it is all a caller may do (the scan does not split Azure
  // shares yet, see ScanHandler).
  Source& source() override { return live_; }
  Result<BackupResult> Backup(Repository& repo, BackupOptions options) override {
    if (!options.paths.empty() || !options.shallow_paths.empty()) {
      return Status::Unsupported("parts of an Azure Files share are not backed up by workers yet");
    }
    AzureBackupOptions azure;
    azure.account = location_.account;
    azure.share = location_.share;
    azure.path = location_.path;
    options.hostname = host_;
    ARBOR_ASSIGN_OR_RETURN(AzureBackupResult r, RunAzureBackup(repo, *client_, azure, std::move(options)));
    return std::move(r.backup);
  }

 private:
  std::unique_ptr<azure::FilesClient> client_;
  const AzureShareLocation location_;
  const std::string host_;
  AzureFilesSource live_;
};

Result<std::unique_ptr<ShareReader>> OpenAzure(catalog::Catalog& catalog, const catalog::Principal& p,
                                               const catalog::Share& share) {
  ARBOR_ASSIGN_OR_RETURN(AzureShareLocation location, ParseAzureShareLocation(share.location));
  auto secret = catalog.shares().ResolveCredential(p, share.id);
  if (!secret.ok()) return secret.status().Annotate("share " + share.name);
  auto credentials = azure::CredentialsFromSecret(location.account, secret->reveal(), location.endpoint);
  if (!credentials.ok()) return credentials.status().Annotate("share " + share.name);
  ARBOR_ASSIGN_OR_RETURN(auto client, azure::FilesClient::Create(std::move(*credentials)));
  return std::unique_ptr<ShareReader>(
      std::make_unique<AzureShareReader>(std::move(client), std::move(location), share.name));
}

}  // namespace

Result<std::unique_ptr<ShareReader>> OpenShareReader(catalog::Catalog& catalog, const catalog::Principal& p,
                                                     const catalog::Share& share) {
  if (share.kind == catalog::ShareKind::kPosix) return OpenPosix(share);
  return OpenAzure(catalog, p, share);
}

}  // namespace arbor::job_handlers
