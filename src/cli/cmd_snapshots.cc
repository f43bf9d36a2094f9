// arbor snapshots: lists the snapshots of a repository.
#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/snapshot_filter.h"

namespace arbor::cli {
namespace {

std::string Joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

nlohmann::json SnapshotJson(const Snapshot& s) {
  return {{"id", s.id.Hex()},
          {"short_id", s.id.Hex().substr(0, 8)},
          {"time", FormatTimeRfc3339(s.time_ns)},
          {"time_ns", s.time_ns},
          {"hostname", s.hostname},
          {"paths", s.paths},
          {"tags", s.tags},
          {"tree", s.tree.Hex()},
          {"parent", s.parent ? s.parent->Hex() : ""},
          {"source", s.source},
          {"source_snapshot", s.source_snapshot},
          {"files_total", s.stats.files_total},
          {"bytes_total", s.stats.bytes_total},
          {"bytes_added", s.stats.bytes_added},
          {"errors", s.stats.errors}};
}

}  // namespace

void RegisterSnapshots(CLI::App& app, GlobalOptions& g, int* exit_code) {
  auto* cmd = app.add_subcommand("snapshots", "List snapshots");
  auto filter = std::make_shared<SnapshotFilter>();
  AddSnapshotFilterOptions(cmd, filter.get());
  cmd->callback([&g, filter, exit_code] {
    auto repo = OpenRepository(g, exit_code, RepoAccess::kReads);
    if (!repo) return;
    auto all = repo->ListSnapshots();
    if (!all.ok()) {
      *exit_code = ReportError(g, all.status());
      return;
    }
    *all = filter->Apply(*all);
    if (g.json) {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& s : *all) arr.push_back(SnapshotJson(s));
      PrintJson(arr);
      return;
    }
    std::printf("%-8s  %-19s  %-16s  %10s  %10s  %-12s  %s\n", "ID", "Time", "Host", "Files", "Size", "Tags",
                "Paths");
    for (const auto& s : *all) {
      std::printf("%-8s  %-19s  %-16s  %10lu  %10s  %-12s  %s\n", s.id.Hex().substr(0, 8).c_str(),
                  FormatTime(s.time_ns).c_str(), s.hostname.c_str(),
                  static_cast<unsigned long>(s.stats.files_total), HumanBytes(s.stats.bytes_total).c_str(),
                  Joined(s.tags).c_str(), Joined(s.paths).c_str());
    }
    std::printf("%zu snapshots\n", all->size());
  });
}

}  // namespace arbor::cli
