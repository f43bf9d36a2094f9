#include "job_handlers/prune_handler.h"

#include "job_handlers/job_payloads.h"
#include "job_handlers/share_repository.h"
#include "maintenance/forget.h"
#include "maintenance/prune.h"

namespace arbor::job_handlers {
namespace {

constexpr std::chrono::seconds kLockWait{60};

// Removes what the policy does not keep: the catalog record first, so that a kill between
// the two steps leaves a snapshot the catalog no longer lists (forgotten again next time)
// rather than a record of a snapshot that is gone.
Status Forget(Repository& repo, jobs::JobContext& ctx, const RetentionPolicy& policy) {
  ARBOR_ASSIGN_OR_RETURN(auto all, repo.ListSnapshots());
  ForgetDecision d = ApplyRetention(all, policy);
  for (const auto& s : d.remove) {
    Status st = ctx.catalog().snapshots().Forget(ctx.principal(), s.id.Hex());
    if (!st.ok() && !st.Is(StatusCode::kNotFound)) return st;
    ARBOR_RETURN_IF_ERROR(repo.DeleteSnapshot(s.id));
  }
  return Status::Ok();
}

}  // namespace

Status PruneHandler::Run(const jobs::Job& job, jobs::JobContext& ctx) {
  ARBOR_ASSIGN_OR_RETURN(PrunePayload payload, PrunePayload::FromJson(job.payload));
  ARBOR_ASSIGN_OR_RETURN(catalog::Share share, ctx.catalog().shares().Find(ctx.principal(), job.share_id));
  ARBOR_ASSIGN_OR_RETURN(auto repo, OpenShareRepository(ctx.catalog(), ctx.principal(), share,
                                                        /*create=*/false, options_.store));
  if (!payload.policy.Empty()) ARBOR_RETURN_IF_ERROR(Forget(*repo, ctx, payload.policy));
  PruneOptions opts;
  opts.max_unused = payload.max_unused;
  opts.lock_wait = kLockWait;
  ARBOR_ASSIGN_OR_RETURN(PruneResult r, RunPrune(*repo, opts));
  ctx.SetProgress(
      {static_cast<int64_t>(r.packs_deleted + r.packs_repacked), static_cast<int64_t>(r.bytes_freed)});
  return Status::Ok();
}

}  // namespace arbor::job_handlers
