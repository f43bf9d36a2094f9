#include "job_handlers/share_reader.h"

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

}  // namespace

Result<std::unique_ptr<ShareReader>> OpenShareReader(catalog::Catalog& catalog, const catalog::Principal& p,
                                                     const catalog::Share& share) {
  if (share.kind == catalog::ShareKind::kPosix) return OpenPosix(share);
  auto secret = catalog.shares().ResolveCredential(p, share.id);
  if (!secret.ok()) return secret.status().Annotate("share " + share.name);
  return Status::Unsupported("share " + share.name + ": Azure Files shares are not yet backed up by workers");
}

}  // namespace arbor::job_handlers
