// arbor dupes: groups of files with the same size and content hash (node index).
#include <iostream>

#include "cli/commands.h"
#include "cli/index_context.h"
#include "node_index/tree_analytics.h"

namespace arbor::cli {
namespace {
struct DupesArgs {
  std::string snapshot = "latest";
  std::string index;
  uint64_t min_size = 1;
  size_t limit = 50;
};
}  // namespace

void RegisterDupes(CLI::App& app, GlobalOptions& g, int* exit_code) {
  auto a = std::make_shared<DupesArgs>();
  auto* cmd = app.add_subcommand("dupes", "Files with identical content (same size and QuickXorHash) in a snapshot");
  cmd->add_option("-s,--snapshot", a->snapshot, "Snapshot")->capture_default_str();
  cmd->add_option("--min-size", a->min_size, "Ignore files smaller than this many bytes")->capture_default_str();
  cmd->add_option("--limit", a->limit, "Show at most this many groups, most wasted bytes first")->capture_default_str();
  AddIndexOption(cmd, &a->index);
  cmd->callback([&g, a, exit_code] {
    auto v = OpenIndexView(g, a->index, a->snapshot, exit_code);
    if (!v) return;
    auto groups = node_index::Duplicates(*v->tree, a->min_size);
    if (!groups.ok()) {
      *exit_code = ReportError(g, groups.status());
      return;
    }
    uint64_t wasted = 0;
    size_t shown = 0;
    for (const auto& grp : *groups) {
      wasted += grp.size * (grp.nodes.size() - 1);
      if (shown++ >= a->limit) continue;
      std::vector<std::string> paths;
      for (const auto& n : grp.nodes) paths.push_back(DisplayName(NodePath(*v->tree, n)));
      if (g.json) {
        PrintJson({{"size", grp.size}, {"copies", grp.nodes.size()}, {"paths", paths}});
      } else {
        std::cout << HumanBytes(grp.size) << " x " << grp.nodes.size() << ":\n";
        for (const auto& p : paths) std::cout << "  " << p << "\n";
      }
    }
    if (g.json) {
      PrintJson({{"message_type", "summary"}, {"groups", groups->size()}, {"wasted_bytes", wasted}});
    } else {
      std::cout << groups->size() << " groups of identical files, " << HumanBytes(wasted)
                << " in extra copies (deduplicated in the repository)\n";
    }
  });
}

}  // namespace arbor::cli
