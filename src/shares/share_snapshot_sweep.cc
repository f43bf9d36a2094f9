#include "shares/share_snapshot_sweep.h"

#include <strings.h>

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "shares/share_snapshot_session.h"

namespace arbor {
namespace {

// Metadata names are case-insensitive on the service.
const std::string* FindMetadata(const azure::Metadata& metadata, std::string_view name) {
  for (const auto& [k, v] : metadata) {
    if (k.size() == name.size() && strncasecmp(k.data(), name.data(), name.size()) == 0) return &v;
  }
  return nullptr;
}

// Made by arbor for this repository, or by an arbor that did not mark the repository.
bool IsOurs(const azure::ShareItem& item, std::string_view repository_id) {
  const std::string* mark = FindMetadata(item.metadata, kArborSnapshotMetaKey);
  if (mark == nullptr || *mark != kArborSnapshotMetaValue) return false;
  const std::string* repo = FindMetadata(item.metadata, kArborRepositoryMetaKey);
  return repo == nullptr || *repo == repository_id;
}

struct Records {
  std::set<std::string> kept;      // by a lineage's newest snapshot or by a partial one
  std::set<std::string> recorded;  // by any snapshot of the share
};

// A lineage is what FindParentSnapshot matches on: host and paths (the source is fixed).
Records RecordsOf(const std::vector<Snapshot>& snapshots, const std::string& source_kind) {
  Records r;
  std::map<std::pair<std::string, std::vector<std::string>>, const Snapshot*> newest;
  for (const Snapshot& s : snapshots) {
    if (s.source != source_kind) continue;
    if (!s.source_snapshot.empty()) r.recorded.insert(s.source_snapshot);
    if (IsPartial(s)) {
      if (!s.source_snapshot.empty()) r.kept.insert(s.source_snapshot);
      continue;
    }
    // A --live snapshot (no share snapshot) is a lineage's newest too: it supersedes.
    std::vector<std::string> paths = s.paths;
    std::sort(paths.begin(), paths.end());
    const Snapshot*& slot = newest[{s.hostname, std::move(paths)}];
    if (slot == nullptr || s.time_ns >= slot->time_ns)
      slot = &s;  // ties: the later one, as FindParentSnapshot
  }
  for (const auto& [lineage, s] : newest) {
    if (!s->source_snapshot.empty()) r.kept.insert(s->source_snapshot);
  }
  return r;
}

}  // namespace

std::vector<std::string> ShareSnapshotsToSweep(const ShareSnapshotSweepInput& in) {
  Records records = RecordsOf(in.repository_snapshots, in.source_kind);
  const int64_t min_age_ticks = in.min_age.count() * azure::FileTime::kTicksPerSecond;
  std::vector<std::string> out;
  for (const azure::ShareItem& item : in.share_snapshots) {
    if (item.snapshot.empty() || !IsOurs(item, in.repository_id) || records.kept.count(item.snapshot))
      continue;
    if (!records.recorded.count(item.snapshot)) {
      auto created = azure::ParseSmbTime(item.snapshot);
      if (!created.ok() || in.now.ticks - created->ticks < min_age_ticks) continue;  // may be in use
    }
    out.push_back(item.snapshot);
  }
  return out;
}

Result<std::vector<std::string>> SweepShareSnapshots(azure::FilesClient& client, const std::string& share,
                                                     Repository& repo, const std::string& source_kind,
                                                     std::chrono::seconds min_age) {
  ShareSnapshotSweepInput in;
  ARBOR_ASSIGN_OR_RETURN(std::vector<azure::ShareItem> items,
                         client.ListShares(share, /*include_snapshots=*/true));
  for (azure::ShareItem& item : items) {
    if (item.name == share && !item.snapshot.empty()) in.share_snapshots.push_back(std::move(item));
  }
  // Listed after the share snapshots: a backup that saves its snapshot in between is seen
  // with it (it made its share snapshot before either list, and that one is young anyway).
  ARBOR_ASSIGN_OR_RETURN(in.repository_snapshots, repo.ListSnapshots());
  in.source_kind = source_kind;
  in.repository_id = repo.config().id;
  in.now = azure::FileTime::Now();
  in.min_age = min_age;
  std::vector<std::string> deleted;
  Status first_error;
  int failed = 0;
  for (const std::string& id : ShareSnapshotsToSweep(in)) {
    Status st = client.DeleteShareSnapshot(share, id);
    if (st.ok() || st.Is(StatusCode::kNotFound)) {
      deleted.push_back(id);
    } else if (failed++ == 0) {
      first_error = st;
    }
  }
  if (failed > 0) {
    return first_error.Annotate("deleting " + std::to_string(failed) +
                                " share snapshot(s) arbor no longer needs");
  }
  return deleted;
}

}  // namespace arbor
