#include "job_handlers/scan_handler.h"

#include <spdlog/spdlog.h>

#include "archiver/partition.h"
#include "job_handlers/job_payloads.h"
#include "job_handlers/progress_relay.h"
#include "job_handlers/share_reader.h"
#include "job_handlers/share_repository.h"

namespace arbor::job_handlers {
namespace {

// Stable across attempts for the same unit (see the header).
std::string ChildKey(const BackupPayload& part) {
  // The share snapshot too: a retried scan that took a new one must not reuse parts
  // reading the old one (the tree would mix two points in time).
  nlohmann::json unit = {{"units", part.units}, {"shallow", part.shallow}, {"at", part.share_snapshot}};
  return "part-" + Sha256Of(unit.dump()).Hex().substr(0, 16);
}

// The snapshot every part compares with, as a whole-share backup would choose it.
Result<std::string> ParentFor(Repository& repo, ShareReader& reader, const BackupPayload& payload) {
  if (payload.force) return std::string();
  BackupOptions whole;
  whole.paths = reader.Paths();
  whole.hostname = reader.Hostname();
  ARBOR_ASSIGN_OR_RETURN(auto parent, FindParentSnapshot(repo, whole, reader.source().Kind()));
  return parent ? parent->id.Hex() : std::string();
}

}  // namespace

Status ScanHandler::Run(const jobs::Job& job, jobs::JobContext& ctx) {
  ARBOR_ASSIGN_OR_RETURN(ScanPayload payload, ScanPayload::FromJson(job.payload));
  ARBOR_ASSIGN_OR_RETURN(catalog::Share share, ctx.catalog().shares().Find(ctx.principal(), job.share_id));
  ARBOR_ASSIGN_OR_RETURN(
      auto repo, OpenShareRepository(ctx.catalog(), ctx.principal(), share, /*create=*/true, options_.store));
  ARBOR_ASSIGN_OR_RETURN(auto reader, OpenShareReader(ctx.catalog(), ctx.principal(), share));
  ARBOR_ASSIGN_OR_RETURN(std::string parent, ParentFor(*repo, *reader, payload.backup));
  // Azure: one share snapshot that the listing and every part read. Made before the first
  // part goes out; deleted again if the scan fails before any part went out.
  ARBOR_ASSIGN_OR_RETURN(std::string at, reader->TakeShareSnapshot(repo->config().id));

  PartitionOptions options;
  options.max_entries = payload.max_files;
  options.max_bytes = payload.max_bytes;
  options.excludes = payload.backup.excludes;
  options.cancelled = [&ctx] { return ctx.cancelled(); };
  // Each unit becomes a backup child the moment the listing completes it, so other
  // workers back up the first parts while this one still lists the rest.
  AssemblePayload assemble;
  assemble.tags = payload.backup.tags;
  auto enqueue_part = [&](BackupUnit unit) -> Status {
    BackupPayload part = payload.backup;
    part.units = std::move(unit.paths);
    part.shallow = std::move(unit.shallow);
    part.parent = parent;
    part.part_of = job.id;
    part.share_snapshot = at;
    jobs::ChildJobSpec spec;
    spec.type = jobs::JobType::kBackup;
    spec.key = ChildKey(part);
    spec.payload = part.ToJson();
    spec.max_attempts = job.max_attempts;
    ARBOR_ASSIGN_OR_RETURN(jobs::Job child, ctx.EnqueueChild(spec));
    assemble.parts.push_back(child.id);
    return Status::Ok();
  };
  ProgressCounters counters;
  options.progress = &counters;
  Result<PartitionTotals> listed = Status::Internal("not run");
  {
    ProgressRelay relay(ctx, counters);
    listed = PartitionTree(reader->source(), reader->Paths(), options, enqueue_part);
  }
  // The listing's count shows while it runs; the tree's totals are then the parts' files
  // and bytes, not those plus the listing's.
  ctx.SetProgress({});
  if (!listed.ok()) {
    if (assemble.parts.empty()) (void)reader->ReleaseShareSnapshot(at, "");
    return listed.status().Annotate("scan of share " + share.name);
  }
  for (const auto& w : listed->warnings) spdlog::warn("job {}: {}", job.id, w);
  spdlog::info("job {}: share {} has {} entries, {} bytes: {} backup units", job.id, share.name,
               listed->entries, listed->bytes, assemble.parts.size());

  jobs::ChildJobSpec last;
  last.type = jobs::JobType::kAssemble;
  last.key = "assemble";
  last.payload = assemble.ToJson();
  last.max_attempts = job.max_attempts;
  last.after_siblings = true;
  return ctx.EnqueueChild(last).status();
}

}  // namespace arbor::job_handlers
