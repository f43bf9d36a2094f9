#include "job_handlers/job_snapshots.h"

#include <algorithm>

namespace arbor::job_handlers {
namespace {

nlohmann::json StatsJson(const Snapshot& s) {
  const BackupStats& st = s.stats;
  return {{"files_total", st.files_total}, {"dirs_total", st.dirs_total},   {"bytes_total", st.bytes_total},
          {"files_read", st.files_read},   {"bytes_read", st.bytes_read},   {"bytes_added", st.bytes_added},
          {"blobs_added", st.blobs_added}, {"packs_written", st.packs_written}, {"errors", st.errors},
          {"seconds", static_cast<double>(s.end_time_ns - s.time_ns) / 1e9}, {"source", s.source}};
}

// Drops the catalog record of a snapshot that lost (if an attempt recorded it).
Status ForgetRecord(jobs::JobContext& ctx, const Snapshot& s) {
  Status st = ctx.catalog().snapshots().Forget(ctx.principal(), s.id.Hex());
  return st.Is(StatusCode::kNotFound) ? Status::Ok() : st;
}

}  // namespace

std::string JobTag(int64_t job_id) { return "arbor-job:" + std::to_string(job_id); }

Result<std::vector<Snapshot>> SnapshotsTagged(Repository& repo, const std::string& tag) {
  ARBOR_ASSIGN_OR_RETURN(auto all, repo.ListSnapshots());
  std::vector<Snapshot> out;
  for (auto& s : all) {
    if (std::find(s.tags.begin(), s.tags.end(), tag) != s.tags.end()) out.push_back(std::move(s));
  }
  std::sort(out.begin(), out.end(), [](const Snapshot& a, const Snapshot& b) { return a.id.Hex() < b.id.Hex(); });
  return out;
}

Result<std::optional<Snapshot>> SettleTaggedSnapshot(Repository& repo, jobs::JobContext& ctx, const std::string& tag) {
  ARBOR_ASSIGN_OR_RETURN(auto tagged, SnapshotsTagged(repo, tag));
  if (tagged.empty()) return std::optional<Snapshot>();
  for (size_t i = 1; i < tagged.size(); ++i) {
    ARBOR_RETURN_IF_ERROR(ForgetRecord(ctx, tagged[i]));
    ARBOR_RETURN_IF_ERROR(repo.DeleteSnapshot(tagged[i].id));
  }
  return std::optional<Snapshot>(tagged[0]);
}

Status RecordSnapshot(jobs::JobContext& ctx, const jobs::Job& job, const Snapshot& snapshot) {
  catalog::SnapshotRecord record;
  record.id = snapshot.id.Hex();
  record.share_id = job.share_id;
  record.time_ms = snapshot.time_ns / 1000000;
  record.job_id = job.tree_root();
  record.stats = StatsJson(snapshot);
  return ctx.catalog().snapshots().Record(ctx.principal(), record).status();
}

}  // namespace arbor::job_handlers
