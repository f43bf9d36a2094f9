#include "job_handlers/backup_handler.h"

#include <spdlog/spdlog.h>

#include "job_handlers/job_payloads.h"
#include "job_handlers/job_snapshots.h"
#include "job_handlers/progress_relay.h"
#include "job_handlers/share_reader.h"
#include "job_handlers/share_repository.h"

namespace arbor::job_handlers {
namespace {

constexpr size_t kWarningsLogged = 20;

BackupOptions OptionsFor(const BackupPayload& payload, const std::string& tag, int threads) {
  BackupOptions opts;
  opts.paths = payload.units;  // empty (and no shallow units): the whole share
  opts.shallow_paths = payload.shallow;
  opts.excludes.patterns = payload.excludes;
  opts.tags = payload.tags;
  opts.tags.push_back(tag);
  if (payload.part_of != 0) opts.tags.push_back(PartialTag(payload.part_of));
  opts.no_parent = payload.force;
  opts.parent = payload.parent;
  opts.threads = threads;
  return opts;
}

void LogWarnings(const jobs::Job& job, const std::vector<std::string>& warnings) {
  for (size_t i = 0; i < warnings.size() && i < kWarningsLogged; ++i) {
    spdlog::warn("job {}: {}", job.id, warnings[i]);
  }
  if (warnings.size() > kWarningsLogged) {
    spdlog::warn("job {}: {} more entries could not be read", job.id, warnings.size() - kWarningsLogged);
  }
}

}  // namespace

Status BackupHandler::Run(const jobs::Job& job, jobs::JobContext& ctx) {
  ARBOR_ASSIGN_OR_RETURN(BackupPayload payload, BackupPayload::FromJson(job.payload));
  ARBOR_ASSIGN_OR_RETURN(catalog::Share share, ctx.catalog().shares().Find(ctx.principal(), job.share_id));
  ARBOR_ASSIGN_OR_RETURN(
      auto repo, OpenShareRepository(ctx.catalog(), ctx.principal(), share, /*create=*/true, options_.store));
  const std::string tag = JobTag(job.id);
  ARBOR_ASSIGN_OR_RETURN(auto snapshot, SettleTaggedSnapshot(*repo, ctx, tag));
  if (snapshot) {
    spdlog::info("job {}: snapshot {} was written by an earlier attempt", job.id,
                 snapshot->id.Hex().substr(0, 8));
  } else {
    ARBOR_ASSIGN_OR_RETURN(auto reader,
                           OpenShareReader(ctx.catalog(), ctx.principal(), share, payload.share_snapshot));
    BackupOptions opts = OptionsFor(payload, tag, options_.threads);
    ProgressCounters counters;
    opts.progress_counters = &counters;
    opts.cancelled = [&ctx] { return ctx.cancelled(); };
    Result<BackupResult> result = Status::Internal("not run");
    {
      ProgressRelay relay(ctx, counters);
      result = reader->Backup(*repo, std::move(opts));
    }
    if (!result.ok()) return result.status().Annotate("backup of share " + share.name);
    LogWarnings(job, result->warnings);
    ARBOR_ASSIGN_OR_RETURN(snapshot, SettleTaggedSnapshot(*repo, ctx, tag));
    if (!snapshot) return Status::Internal("the backup of share " + share.name + " left no snapshot");
  }
  // A part of a scan is not a snapshot of the share: its assemble job records the whole.
  if (payload.part_of != 0) return Status::Ok();
  return RecordSnapshot(ctx, job, *snapshot);
}

}  // namespace arbor::job_handlers
