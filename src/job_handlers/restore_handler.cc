#include "job_handlers/restore_handler.h"

#include <filesystem>
#include <memory>
#include <optional>

#include "archiver/azure_backup.h"
#include "job_handlers/job_payloads.h"
#include "job_handlers/share_reader.h"
#include "job_handlers/share_repository.h"
#include "restorer/in_place_target.h"
#include "restorer/overwrite.h"
#include "restorer/restore.h"
#include "shares/azure_files_target.h"
#include "shares/posix_target.h"

namespace arbor::job_handlers {
namespace {

// `path` with symlinks in its existing part resolved, so "inside" means inside on disk.
std::filesystem::path Canonical(const std::string& path) {
  std::error_code ec;
  auto p = std::filesystem::weakly_canonical(path, ec);
  return ec ? std::filesystem::path(path).lexically_normal() : p;
}

bool Inside(const std::filesystem::path& path, const std::filesystem::path& root) {
  auto rel = path.lexically_relative(root);
  return !rel.empty() && *rel.begin() != "..";
}

Result<std::string> AllowedTarget(jobs::JobContext& ctx, const std::string& target,
                                  const HandlerOptions& options) {
  auto wanted = Canonical(target);
  if (options.restore_anywhere) return wanted.string();
  for (const auto& root : options.restore_roots) {
    if (Inside(wanted, Canonical(root))) return wanted.string();
  }
  ARBOR_ASSIGN_OR_RETURN(auto shares, ctx.catalog().shares().List(ctx.principal()));
  for (const auto& s : shares) {
    if (s.kind == catalog::ShareKind::kPosix && Inside(wanted, Canonical(s.location))) return wanted.string();
  }
  return Status::PermissionDenied("restore target " + target +
                                  " is outside this tenant's shares and the worker's restore roots");
}

// An in-place restore writes over the snapshot's own paths: only a POSIX share's, and
// only inside the job's share (its snapshot's paths are that share's absolute paths).
Status CheckInPlace(const catalog::Share& share, const RestorePayload& payload) {
  if (share.kind != catalog::ShareKind::kPosix)
    return Status::InvalidArgument("an in-place restore writes to POSIX shares only; " + share.name +
                                   " is an Azure Files share");
  auto root = Canonical(share.location);
  for (const auto& include : payload.includes) {
    if (!Inside(Canonical(include), root))
      return Status::PermissionDenied("in-place restore of " + include + " is outside share " + share.name +
                                      " (" + share.location + ")");
  }
  return Status::Ok();
}

// A directory `dir` ("/a/b", "/" the top) inside an Azure share location's directory
// (`base`, share-relative, "" for the share's root), share-relative as AzureFilesTarget
// takes it.
std::string ShareDirectory(const std::string& base, const std::string& dir) {
  std::string rel = dir;
  while (!rel.empty() && rel.front() == '/') rel.erase(0, 1);
  while (!rel.empty() && rel.back() == '/') rel.pop_back();
  if (base.empty()) return rel;
  return rel.empty() ? base : base + "/" + rel;
}

}  // namespace

Status RestoreHandler::Run(const jobs::Job& job, jobs::JobContext& ctx) {
  ARBOR_ASSIGN_OR_RETURN(RestorePayload payload, RestorePayload::FromJson(job.payload));
  ARBOR_ASSIGN_OR_RETURN(catalog::Share share, ctx.catalog().shares().Find(ctx.principal(), job.share_id));
  std::string target = "/";
  std::optional<catalog::Share> azure_share;
  if (payload.in_place) {
    ARBOR_RETURN_IF_ERROR(CheckInPlace(share, payload));
  } else if (!payload.target_share_id.empty()) {
    // Found through the job's principal: another tenant's share is NotFound.
    ARBOR_ASSIGN_OR_RETURN(azure_share,
                           ctx.catalog().shares().Find(ctx.principal(), payload.target_share_id));
  } else {
    ARBOR_ASSIGN_OR_RETURN(target, AllowedTarget(ctx, payload.target, options_));
  }
  ARBOR_ASSIGN_OR_RETURN(auto repo, OpenShareRepository(ctx.catalog(), ctx.principal(), share,
                                                        /*create=*/false, options_.store));
  ARBOR_ASSIGN_OR_RETURN(Snapshot snapshot, repo->FindSnapshot(payload.snapshot));
  RestoreOptions opts;
  opts.includes = payload.includes;
  opts.overwrite = OverwritePolicyNamed(payload.overwrite);
  opts.threads = options_.threads;
  // Declared in the order they depend on each other, so each outlives its user.
  std::unique_ptr<azure::FilesClient> client;
  std::unique_ptr<PosixTarget> posix;
  std::unique_ptr<RestoreTarget> out;  // the Azure target, or the in-place wrapper of `posix`
  if (azure_share) {
    ARBOR_ASSIGN_OR_RETURN(AzureShareClient c,
                           ConnectAzureShare(ctx.catalog(), ctx.principal(), *azure_share));
    client = std::move(c.client);
    out = std::make_unique<AzureFilesTarget>(client.get(), c.location.account, c.location.share,
                                             ShareDirectory(c.location.path, payload.target),
                                             [&repo](const Digest& id) { return repo->LoadBlob(id); });
    if (opts.threads <= 0) opts.threads = kDefaultAzureThreads;  // network-bound
  } else {
    posix = std::make_unique<PosixTarget>(target);
    if (payload.in_place) {
      out = std::make_unique<InPlaceTarget>(posix.get(), payload.includes);
    }
  }
  RestoreTarget& to = out ? *out : *posix;
  ARBOR_ASSIGN_OR_RETURN(RestoreResult r, RunRestore(*repo, snapshot, to, opts));
  ctx.SetProgress({static_cast<int64_t>(r.files), static_cast<int64_t>(r.bytes)});
  if (r.errors > 0) {
    // Retryable: a restore rewrites files whole, so running it again is safe.
    return Status::IOError("restore of snapshot " + snapshot.id.Hex().substr(0, 8) + " to " + to.Describe() +
                           ": " + std::to_string(r.errors) + " entries failed" +
                           (r.warnings.empty() ? std::string() : ", first: " + r.warnings.front()));
  }
  return Status::Ok();
}

}  // namespace arbor::job_handlers
