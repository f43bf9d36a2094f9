#include "job_handlers/assemble_handler.h"

#include <spdlog/spdlog.h>

#include "archiver/assemble.h"
#include "job_handlers/job_payloads.h"
#include "job_handlers/job_snapshots.h"
#include "job_handlers/share_reader.h"
#include "job_handlers/share_repository.h"
#include "jobs/job_queue.h"

namespace arbor::job_handlers {
namespace {

// The partial snapshot each part wrote, in the payload's order.
Result<std::vector<Snapshot>> FindParts(Repository& repo, jobs::JobContext& ctx,
                                        const AssemblePayload& payload) {
  std::vector<Snapshot> parts;
  for (int64_t id : payload.parts) {
    ARBOR_ASSIGN_OR_RETURN(auto part, SettleTaggedSnapshot(repo, ctx, JobTag(id)));
    // The barrier only lets this job run after every part succeeded, and a part succeeds
    // only after its snapshot is saved: a missing one means the repository lost it.
    if (!part)
      return Status::Corruption("backup job " + std::to_string(id) +
                                " succeeded but its partial snapshot is gone");
    parts.push_back(std::move(*part));
  }
  return parts;
}

// Azure: deletes share snapshot `snapshot` unless it is `in_use`. Only a warning when it
// fails: the snapshot stands, the share snapshot is left for the next assemble or by hand.
void ReleaseOrWarn(ShareReader& reader, int64_t job_id, const std::string& snapshot,
                   const std::string& in_use) {
  Status released = reader.ReleaseShareSnapshot(snapshot, in_use);
  if (!released.ok())
    spdlog::warn("job {}: removing share snapshot {}: {}", job_id, snapshot, released.message());
}

// Deletes the partial snapshots of this scan, and those of earlier scans of the share
// that ended without assembling them (a part failed): nothing will ever merge those.
// Partial snapshots of scans still running are theirs.
// Azure: the share snapshots those partial snapshots read go too, unless the share's
// newest snapshot reads them (`in_use`).
Status DeletePartials(Repository& repo, jobs::JobContext& ctx, int64_t scan_id, ShareReader& reader,
                      const std::string& in_use) {
  ARBOR_ASSIGN_OR_RETURN(auto all, repo.ListSnapshots());
  jobs::JobQueue queue(ctx.catalog());
  for (const Snapshot& s : all) {
    std::optional<int64_t> of = PartialOf(s);
    if (!of) continue;
    if (*of != scan_id) {
      auto scan = queue.Get(ctx.principal(), *of);
      if (scan.ok() && !jobs::IsTerminal(scan->state)) continue;
      if (!scan.ok() && !scan.status().Is(StatusCode::kNotFound)) return scan.status();
    }
    Status st = repo.DeleteSnapshot(s.id);
    if (!st.ok() && !st.Is(StatusCode::kNotFound))
      return st.Annotate("deleting partial snapshot " + s.id.Hex());
    ReleaseOrWarn(reader, scan_id, s.source_snapshot, in_use);
  }
  return Status::Ok();
}

}  // namespace

Status AssembleHandler::Run(const jobs::Job& job, jobs::JobContext& ctx) {
  ARBOR_ASSIGN_OR_RETURN(AssemblePayload payload, AssemblePayload::FromJson(job.payload));
  if (!job.parent_id) return Status::InvalidArgument("an assemble job is enqueued by a scan, not submitted");
  ARBOR_ASSIGN_OR_RETURN(catalog::Share share, ctx.catalog().shares().Find(ctx.principal(), job.share_id));
  ARBOR_ASSIGN_OR_RETURN(auto repo, OpenShareRepository(ctx.catalog(), ctx.principal(), share,
                                                        /*create=*/false, options_.store));
  ARBOR_ASSIGN_OR_RETURN(auto reader, OpenShareReader(ctx.catalog(), ctx.principal(), share));
  // Shared, like a backup: a prune waits until the merged trees are referenced by the
  // snapshot, and the parts' data stays referenced by the parts until then.
  ARBOR_ASSIGN_OR_RETURN(auto lock, repo->Lock(LockKind::kShared, std::chrono::seconds(60)));
  const std::string tag = JobTag(job.id);
  ARBOR_ASSIGN_OR_RETURN(auto snapshot, SettleTaggedSnapshot(*repo, ctx, tag));
  if (snapshot) {
    spdlog::info("job {}: snapshot {} was assembled by an earlier attempt", job.id,
                 snapshot->id.Hex().substr(0, 8));
  } else {
    ARBOR_ASSIGN_OR_RETURN(auto parts, FindParts(*repo, ctx, payload));
    AssembleOptions options;
    options.paths = reader->Paths();
    options.hostname = reader->Hostname();
    options.source = reader->source().Kind();
    options.tags = payload.tags;
    options.tags.push_back(tag);
    ARBOR_ASSIGN_OR_RETURN(Snapshot assembled, AssembleSnapshot(*repo, parts, options));
    spdlog::info("job {}: assembled snapshot {} from {} parts", job.id, assembled.id.Hex().substr(0, 8),
                 parts.size());
    snapshot = assembled;
  }
  ARBOR_RETURN_IF_ERROR(RecordSnapshot(ctx, job, *snapshot));
  ARBOR_RETURN_IF_ERROR(DeletePartials(*repo, ctx, *job.parent_id, *reader, snapshot->source_snapshot));
  // Azure: the share snapshots no snapshot needs any more (the previous backup's, whether
  // or not this one names it as parent; those of killed backups) go too.
  Status swept = reader->SweepShareSnapshots(*repo);
  if (!swept.ok())
    spdlog::warn("job {}: removing share snapshots no longer needed: {}", job.id, swept.message());
  return Status::Ok();
}

}  // namespace arbor::job_handlers
