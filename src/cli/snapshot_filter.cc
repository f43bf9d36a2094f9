#include "cli/snapshot_filter.h"

#include <algorithm>
#include <sstream>

namespace arbor::cli {
namespace {

bool Has(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

bool HasAllTags(const Snapshot& s, const std::string& comma_set) {
  std::stringstream in(comma_set);
  std::string tag;
  while (std::getline(in, tag, ','))
    if (!tag.empty() && !Has(s.tags, tag)) return false;
  return true;
}

}  // namespace

bool SnapshotFilter::Matches(const Snapshot& s) const {
  if (!hosts.empty() && !Has(hosts, s.hostname)) return false;
  if (!tags.empty() &&
      std::none_of(tags.begin(), tags.end(), [&](const auto& t) { return HasAllTags(s, t); }))
    return false;
  for (std::string p : paths) {
    while (p.size() > 1 && p.back() == '/') p.pop_back();
    if (!Has(s.paths, p)) return false;
  }
  return true;
}

std::vector<Snapshot> SnapshotFilter::Apply(const std::vector<Snapshot>& all) const {
  std::vector<Snapshot> out;
  for (const auto& s : all)
    if (Matches(s)) out.push_back(s);
  return out;
}

Result<Snapshot> FindSnapshot(Repository& repo, const std::string& ref, const SnapshotFilter& filter) {
  if (filter.Empty()) return repo.FindSnapshot(ref);
  if (ref == "latest") {
    ARBOR_ASSIGN_OR_RETURN(std::vector<Snapshot> all, repo.ListSnapshots());
    const Snapshot* newest = nullptr;
    for (const auto& s : all)
      if (filter.Matches(s) && (newest == nullptr || s.time_ns > newest->time_ns)) newest = &s;
    if (newest == nullptr) return Status::NotFound("no snapshot matches the --host/--tag/--path filters");
    return *newest;
  }
  ARBOR_ASSIGN_OR_RETURN(Snapshot s, repo.FindSnapshot(ref));
  if (!filter.Matches(s))
    return Status::NotFound("snapshot " + ref + " does not match the --host/--tag/--path filters");
  return s;
}

void AddSnapshotFilterOptions(CLI::App* cmd, SnapshotFilter* filter) {
  const std::string kGroup = "Snapshot filters";
  cmd->add_option("--host", filter->hosts, "Only snapshots of this host (repeatable)")->group(kGroup);
  cmd->add_option("--tag", filter->tags, "Only snapshots with these tags: a,b means both; repeat for either")
      ->group(kGroup);
  cmd->add_option("--path", filter->paths, "Only snapshots that include this path (repeatable: all of them)")
      ->group(kGroup);
}

}  // namespace arbor::cli
