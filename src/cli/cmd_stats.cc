// arbor stats: what the repository holds, or (restic's --mode) what a set of snapshots
// restores to or costs to keep.
#include <algorithm>
#include <iostream>

#include "cli/commands.h"
#include "cli/snapshot_filter.h"
#include "maintenance/repo_stats.h"

namespace arbor::cli {
namespace {

struct StatsArgs {
  std::vector<std::string> snapshots;
  SnapshotFilter filter;
  std::string mode;  // empty: the repository summary, or restore-size when snapshots are chosen
};

void PrintRepoStats(const GlobalOptions& g, const RepoStats& s) {
  double dedup =
      s.stored_bytes > 0 ? static_cast<double>(s.logical_bytes) / static_cast<double>(s.stored_bytes) : 0;
  if (g.json) {
    PrintJson({{"snapshots", s.snapshots},
               {"packs", s.packs},
               {"pack_bytes", s.pack_bytes},
               {"index_segments", s.index_segments},
               {"blobs", s.blobs},
               {"data_blobs", s.data_blobs},
               {"tree_blobs", s.tree_blobs},
               {"raw_bytes", s.raw_bytes},
               {"stored_bytes", s.stored_bytes},
               {"logical_bytes", s.logical_bytes},
               {"dedup_ratio", dedup},
               {"index_ram_bytes", s.index_ram_bytes}});
    return;
  }
  std::cout << "snapshots:       " << s.snapshots << "\n"
            << "packs:           " << s.packs << " (" << HumanBytes(s.pack_bytes) << ")\n"
            << "blobs:           " << s.blobs << " (" << s.data_blobs << " data, " << s.tree_blobs
            << " trees) in " << s.index_segments << " index segments\n"
            << "unique data:     " << HumanBytes(s.raw_bytes) << " raw, " << HumanBytes(s.stored_bytes)
            << " stored\n"
            << "all snapshots:   " << HumanBytes(s.logical_bytes) << " (x" << dedup << " deduplicated)\n"
            << "index in RAM:    " << HumanBytes(s.index_ram_bytes) << "\n";
}

// The snapshots named (ids, prefixes, latest) or, with none named, every one the
// filters select; each once.
Result<std::vector<Snapshot>> ChosenSnapshots(Repository& repo, const StatsArgs& a) {
  std::vector<Snapshot> chosen;
  if (a.snapshots.empty()) {
    ARBOR_ASSIGN_OR_RETURN(auto all, repo.ListSnapshots());
    for (auto& s : a.filter.Apply(all))
      if (!IsPartial(s)) chosen.push_back(std::move(s));
    return chosen;
  }
  for (const auto& ref : a.snapshots) {
    ARBOR_ASSIGN_OR_RETURN(Snapshot s, FindSnapshot(repo, ref, a.filter));
    bool seen = std::any_of(chosen.begin(), chosen.end(), [&](const Snapshot& c) { return c.id == s.id; });
    if (!seen) chosen.push_back(std::move(s));
  }
  return chosen;
}

}  // namespace

void RegisterStats(CLI::App& app, GlobalOptions& g, int* exit_code) {
  auto a = std::make_shared<StatsArgs>();
  auto* cmd = app.add_subcommand("stats",
                                 "Show repository size, blob counts and deduplication, or (--mode) "
                                 "what snapshots restore to or cost to keep");
  cmd->add_option("snapshots", a->snapshots, "Snapshot ids, prefixes or 'latest' (default with --mode: all)");
  cmd->add_option("--mode", a->mode,
                  "restore-size: files and bytes a restore of each writes; raw-data: the unique data they "
                  "reference (default: the repository summary; restore-size when snapshots are chosen)")
      ->check(CLI::IsMember({"restore-size", "raw-data"}));
  AddSnapshotFilterOptions(cmd, &a->filter);
  cmd->callback([&g, a, exit_code] {
    auto repo = OpenRepository(g, exit_code, RepoAccess::kReads);
    if (!repo) return;
    bool summary = a->mode.empty() && a->snapshots.empty() && a->filter.Empty();
    if (summary) {
      auto s = ComputeRepoStats(*repo);
      if (!s.ok()) {
        *exit_code = ReportError(g, s.status());
        return;
      }
      PrintRepoStats(g, *s);
      return;
    }
    auto chosen = ChosenSnapshots(*repo, *a);
    if (!chosen.ok()) {
      *exit_code = ReportError(g, chosen.status());
      return;
    }
    StatsMode mode = a->mode == "raw-data" ? StatsMode::kRawData : StatsMode::kRestoreSize;
    auto s = ComputeSnapshotSetStats(*repo, *chosen, mode);
    if (!s.ok()) {
      *exit_code = ReportError(g, s.status());
      return;
    }
    const char* mode_name = mode == StatsMode::kRawData ? "raw-data" : "restore-size";
    if (g.json) {
      nlohmann::json j = {{"mode", mode_name}, {"snapshots", s->snapshots}, {"bytes", s->bytes}};
      if (mode == StatsMode::kRestoreSize) j["files"] = s->files;
      if (mode == StatsMode::kRawData) {
        j["blobs"] = s->blobs;
        j["stored_bytes"] = s->stored_bytes;
      }
      PrintJson(j);
      return;
    }
    std::cout << "snapshots:       " << s->snapshots << " (" << mode_name << ")\n";
    if (mode == StatsMode::kRestoreSize) {
      std::cout << "files:           " << s->files << "\n"
                << "size:            " << HumanBytes(s->bytes) << "\n";
    } else {
      std::cout << "unique blobs:    " << s->blobs << "\n"
                << "data:            " << HumanBytes(s->bytes) << " raw, " << HumanBytes(s->stored_bytes)
                << " stored\n";
    }
  });
}

}  // namespace arbor::cli
