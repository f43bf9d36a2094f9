// arbor stats: what the repository holds.
#include <iostream>

#include "cli/commands.h"
#include "maintenance/repo_stats.h"

namespace arbor::cli {

void RegisterStats(CLI::App& app, GlobalOptions& g, int* exit_code) {
  auto* cmd = app.add_subcommand("stats", "Show repository size, blob counts and deduplication");
  cmd->callback([&g, exit_code] {
    auto repo = OpenRepository(g, exit_code, RepoAccess::kReads);
    if (!repo) return;
    auto s = ComputeRepoStats(*repo);
    if (!s.ok()) {
      *exit_code = ReportError(g, s.status());
      return;
    }
    double dedup = s->stored_bytes > 0 ? static_cast<double>(s->logical_bytes) / static_cast<double>(s->stored_bytes)
                                       : 0;
    if (g.json) {
      PrintJson({{"snapshots", s->snapshots},       {"packs", s->packs},
                 {"pack_bytes", s->pack_bytes},     {"index_segments", s->index_segments},
                 {"blobs", s->blobs},               {"data_blobs", s->data_blobs},
                 {"tree_blobs", s->tree_blobs},     {"raw_bytes", s->raw_bytes},
                 {"stored_bytes", s->stored_bytes}, {"logical_bytes", s->logical_bytes},
                 {"dedup_ratio", dedup},            {"index_ram_bytes", s->index_ram_bytes}});
      return;
    }
    std::cout << "snapshots:       " << s->snapshots << "\n"
              << "packs:           " << s->packs << " (" << HumanBytes(s->pack_bytes) << ")\n"
              << "blobs:           " << s->blobs << " (" << s->data_blobs << " data, " << s->tree_blobs
              << " trees) in " << s->index_segments << " index segments\n"
              << "unique data:     " << HumanBytes(s->raw_bytes) << " raw, " << HumanBytes(s->stored_bytes)
              << " stored\n"
              << "all snapshots:   " << HumanBytes(s->logical_bytes) << " (x" << dedup << " deduplicated)\n"
              << "index in RAM:    " << HumanBytes(s->index_ram_bytes) << "\n";
  });
}

}  // namespace arbor::cli
