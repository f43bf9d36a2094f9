#include "job_handlers/restore_handler.h"

#include <filesystem>

#include "job_handlers/job_payloads.h"
#include "job_handlers/share_repository.h"
#include "restorer/in_place_target.h"
#include "restorer/overwrite.h"
#include "restorer/restore.h"
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

}  // namespace

Status RestoreHandler::Run(const jobs::Job& job, jobs::JobContext& ctx) {
  ARBOR_ASSIGN_OR_RETURN(RestorePayload payload, RestorePayload::FromJson(job.payload));
  ARBOR_ASSIGN_OR_RETURN(catalog::Share share, ctx.catalog().shares().Find(ctx.principal(), job.share_id));
  std::string target = "/";
  if (payload.in_place) {
    ARBOR_RETURN_IF_ERROR(CheckInPlace(share, payload));
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
  PosixTarget posix(target);
  InPlaceTarget in_place(&posix, payload.includes);
  RestoreTarget& out = payload.in_place ? static_cast<RestoreTarget&>(in_place) : posix;
  ARBOR_ASSIGN_OR_RETURN(RestoreResult r, RunRestore(*repo, snapshot, out, opts));
  ctx.SetProgress({static_cast<int64_t>(r.files), static_cast<int64_t>(r.bytes)});
  if (r.errors > 0) {
    // Retryable: a restore rewrites files whole, so running it again is safe.
    return Status::IOError("restore of snapshot " + snapshot.id.Hex().substr(0, 8) + " to " + target + ": " +
                           std::to_string(r.errors) + " entries failed" +
                           (r.warnings.empty() ? std::string() : ", first: " + r.warnings.front()));
  }
  return Status::Ok();
}

}  // namespace arbor::job_handlers
