// arbor changes SNAP1 SNAP2: what changed between two snapshots, by stable node ids
// (a renamed or moved directory is one "moved" line, not a delete and an add).
#include <iostream>

#include "cli/commands.h"
#include "cli/index_context.h"
#include "node_index/tree_analytics.h"

namespace arbor::cli {
namespace {
struct ChangesArgs {
  std::vector<std::string> snapshots;
  std::string index;
};

void Emit(const GlobalOptions& g, const char* change, const std::string& path, const std::string& to = "") {
  if (g.json) {
    nlohmann::json j = {{"change", change}, {"path", DisplayName(path)}};
    if (!to.empty()) j["to"] = DisplayName(to);
    PrintJson(j);
  } else {
    std::cout << change << "  " << path << (to.empty() ? "" : " -> " + to) << "\n";
  }
}
}  // namespace

void RegisterChanges(CLI::App& app, GlobalOptions& g, int* exit_code) {
  auto a = std::make_shared<ChangesArgs>();
  auto* cmd = app.add_subcommand(
      "changes",
      "As diff, from the node index: also moves (a renamed folder is one line), without reading trees");
  cmd->add_option("snapshots", a->snapshots, "Older and newer snapshot")->required()->expected(2);
  AddIndexOption(cmd, &a->index);
  cmd->callback([&g, a, exit_code] {
    auto v = OpenIndexView(g, a->index, a->snapshots[0], exit_code);
    if (!v) return;
    node_index::NodeTree older = v->tree->Clone();  // At() below may replace what v->tree points to
    auto newer_snap = v->repo->FindSnapshot(a->snapshots[1]);
    auto newer = newer_snap.ok() ? v->index->At(*newer_snap)
                                 : Result<const node_index::NodeTree*>(newer_snap.status());
    if (!newer.ok()) {
      *exit_code = ReportError(g, newer.status());
      return;
    }
    auto diff = node_index::Diff(older, **newer);
    if (!diff.ok()) {
      *exit_code = ReportError(g, diff.status());
      return;
    }
    for (const auto& n : diff->added) Emit(g, "+", NodePath(**newer, n));
    for (const auto& n : diff->deleted) Emit(g, "-", NodePath(older, n));
    for (const auto& c : diff->modified) Emit(g, "M", NodePath(**newer, c.after));
    for (const auto& c : diff->moved) Emit(g, "R", NodePath(older, c.before), NodePath(**newer, c.after));
    if (g.json) {
      PrintJson({{"message_type", "summary"},
                 {"added", diff->added.size()},
                 {"deleted", diff->deleted.size()},
                 {"modified", diff->modified.size()},
                 {"moved", diff->moved.size()}});
    } else {
      std::cout << "\n"
                << diff->added.size() << " added, " << diff->deleted.size() << " deleted, "
                << diff->modified.size() << " modified, " << diff->moved.size() << " moved\n";
    }
  });
}

}  // namespace arbor::cli
