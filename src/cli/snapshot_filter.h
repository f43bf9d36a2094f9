// restic's snapshot filters, shared by the commands that pick snapshots (snapshots,
// forget, and `latest` in restore/ls/diff): --host, --tag, --path. A snapshot matches when
// its host is one of the --host values, it carries every tag of one --tag value (a value
// is a comma-separated set: `--tag a,b --tag c` is (a and b) or c), and its paths include
// every --path. No filter given: everything matches.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "repo/repository.h"
#include "repo/snapshot.h"

namespace arbor::cli {

struct SnapshotFilter {
  std::vector<std::string> hosts;
  std::vector<std::string> tags;
  std::vector<std::string> paths;

  bool Empty() const { return hosts.empty() && tags.empty() && paths.empty(); }
  bool Matches(const Snapshot& s) const;
  std::vector<Snapshot> Apply(const std::vector<Snapshot>& all) const;
};

void AddSnapshotFilterOptions(CLI::App* cmd, SnapshotFilter* filter);

// `ref` as Repository::FindSnapshot resolves it, with "latest" meaning the newest that
// matches the filter; a snapshot named by id that does not match is NotFound.
Result<Snapshot> FindSnapshot(Repository& repo, const std::string& ref, const SnapshotFilter& filter);

}  // namespace arbor::cli
