// arbor diff SNAP1 SNAP2: what changed between two snapshots.
#include <iostream>

#include "browse/diff.h"
#include "cli/commands.h"

namespace arbor::cli {

void RegisterDiff(CLI::App& app, GlobalOptions& g, int* exit_code) {
  auto refs = std::make_shared<std::vector<std::string>>();
  auto* cmd = app.add_subcommand("diff",
                                 "Files added, removed and modified between two snapshots, from their trees "
                                 "(no node index; see changes)");
  cmd->add_option("snapshots", *refs, "Two snapshot ids (or prefixes, or 'latest')")->required()->expected(2);
  cmd->callback([&g, refs, exit_code] {
    auto repo = OpenRepository(g, exit_code, RepoAccess::kReads);
    if (!repo) return;
    auto a = repo->FindSnapshot((*refs)[0]);
    auto b = a.ok() ? repo->FindSnapshot((*refs)[1]) : Result<Snapshot>(a.status());
    if (!b.ok()) {
      *exit_code = ReportError(g, b.status());
      return;
    }
    auto stats = DiffTrees(*repo, a->tree, b->tree,
                           [&](Change c, const std::string& path, const Node*, const Node* after) {
                             std::string shown = DisplayName(path) + (after && after->IsDir() ? "/" : "");
                             if (g.json)
                               PrintJson({{"change", std::string(1, static_cast<char>(c))}, {"path", shown}});
                             else
                               std::cout << static_cast<char>(c) << "    " << shown << "\n";
                           });
    if (!stats.ok()) {
      *exit_code = ReportError(g, stats.status());
      return;
    }
    if (g.json) {
      PrintJson({{"message_type", "summary"},
                 {"added", stats->added},
                 {"removed", stats->removed},
                 {"modified", stats->modified}});
    } else {
      std::cout << "\n"
                << stats->added << " added, " << stats->removed << " removed, " << stats->modified
                << " modified\n";
    }
  });
}

}  // namespace arbor::cli
